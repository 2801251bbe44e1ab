// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/resultpages.h"

#include "install/installjson.h"
#include "install/statusword.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace {

QTableWidget *makeTable(const QStringList &headers, const QString &accessibleName)
{
    auto *table = new QTableWidget(0, int(headers.size()));
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table->setAccessibleName(accessibleName);
    return table;
}

/// The last column (a verdict with its note) takes the width the short columns before it do not need.
void giveTheVerdictRoom(QTableWidget *table)
{
    QHeaderView *header = table->horizontalHeader();
    for (int column = 0; column < table->columnCount() - 1; ++column)
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(table->columnCount() - 1, QHeaderView::Stretch);
    table->setWordWrap(true);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
}

bool pastDiscovery(const std::optional<InstallRecord> &record)
{
    using Step = InstallJson::Step;
    if (!record)
        return false;
    return record->step == Step::Writing || record->step == Step::PoweringOn
        || record->step == Step::Verifying
        || (record->step == Step::Finished && record->outcome == InstallJson::Outcome::Done);
}

std::optional<InstallJson::Step> stepOf(const std::optional<InstallRecord> &record)
{
    return record ? std::optional(record->step) : std::nullopt;
}

} // namespace

ReviewPage::ReviewPage(InstallWizard *wizard)
    : InstallPage(wizard)
    , m_text(new QLabel)
    , m_table(makeTable({tr("MAC"), tr("Stack"), tr("Slot"), tr("Name"), tr("Address")}, tr("Pis found")))
{
    setTitle(tr("Review"));
    setSubTitle(tr("Every Pi found, with the place, name and fixed address it gets. dnsmasq's reservations "
                   "are written from this. Double-click a name to change it."));
    m_text->setWordWrap(true);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (!m_filling && item->column() == 3)
            rename(item->row());
    });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_text);
}

void ReviewPage::initializePage() { load(); }

void ReviewPage::refresh()
{
    // The names and addresses are rackd's once it has placed the Pis: reload when the step moves on.
    if (installWizard()->currentPage() == this && stepOf(installWizard()->record()) != m_loadedStep)
        load();
    Q_EMIT completeChanged();
}

void ReviewPage::load()
{
    const std::optional<InstallRecord> record = installWizard()->record();
    m_loadedStep = stepOf(record);
    installWizard()->send(Protocol::Method::Nodes, {}, this, [this, record](const Protocol::Reply &reply) {
        QHash<QString, QJsonObject> nodes;
        if (!reply.isError()) {
            for (const QJsonValue &node : reply.result.value(u"nodes"_s).toArray())
                nodes.insert(node[u"mac"_s].toString(), node.toObject());
        }
        m_filling = true;
        m_table->setRowCount(0);
        const QList<InstallStack> stacks = record ? record->stacks : QList<InstallStack>();
        for (const InstallStack &stack : stacks) {
            for (const InstallMac &found : stack.macs) {
                const QJsonObject node = nodes.value(found.mac);
                // Placed in this stack: rackd's name and address; otherwise not yet known.
                const bool placed = node.value(u"stack"_s).toInt() == stack.id;
                const int row = m_table->rowCount();
                m_table->insertRow(row);
                m_table->setItem(row, 0, new QTableWidgetItem(found.mac));
                m_table->setItem(row, 1, new QTableWidgetItem(QString::number(stack.id)));
                const int slot = placed ? node.value(u"slot"_s).toInt() : found.slot;
                m_table->setItem(row, 2, new QTableWidgetItem(slot > 0 ? QString::number(slot) : u"—"_s));
                auto *name = new QTableWidgetItem(placed ? node.value(u"name"_s).toString() : u"—"_s);
                // Only a placed Pi has a name to change.
                name->setFlags(
                    placed ? name->flags() | Qt::ItemIsEditable : name->flags() & ~Qt::ItemIsEditable);
                name->setToolTip(placed ? tr("Double-click to rename") : QString());
                m_table->setItem(row, 3, name);
                m_table->setItem(
                    row, 4, new QTableWidgetItem(placed ? node.value(u"address"_s).toString() : u"—"_s));
            }
        }
        m_filling = false;
        m_text->setText(reply.isError()
                ? tr("rackd's node list could not be read: %1").arg(reply.error->message)
                : stepText(installWizard()->record(), m_table->rowCount()));
        Q_EMIT loaded();
    });
}

QString ReviewPage::stepText(const std::optional<InstallRecord> &record, int found)
{
    // What rackd is doing now: it goes on by itself after discovery, whatever page is shown.
    using Step = InstallJson::Step;
    const std::optional<Step> step = stepOf(record);
    const QString pis = InstallJson::pis(found);
    if (step == Step::Writing)
        return tr("%1. rackd is writing dnsmasq's reservations; then it powers the rack on.").arg(pis);
    if (step == Step::PoweringOn)
        return tr(
            "%1. The reservations are written; rackd is powering the rack on, stack by stack: Next shows it.")
            .arg(pis);
    if (step == Step::Verifying)
        return tr(
            "%1. The reservations are written and every stack is on; rackd is verifying each placed Pi: Next "
            "shows each stack.")
            .arg(pis);
    if (step == Step::Finished && record->outcome == InstallJson::Outcome::Done)
        return tr("%1. The install is over: Next shows how each stack came up.").arg(pis);
    return tr("%1 so far; the names and addresses come once discovery is over.").arg(pis);
}

void ReviewPage::rename(int row)
{
    const QString mac = m_table->item(row, 0)->text();
    const QString name = m_table->item(row, 3)->text().trimmed();
    installWizard()->send(Protocol::Method::NodeRename, {{u"mac"_s, mac}, {u"name"_s, name}}, this,
        [this, mac, name](const Protocol::Reply &reply) {
            const QString message = reply.isError()
                ? tr("%1 keeps its name: %2").arg(mac, reply.error->message)
                : reply.result.contains(u"warning"_s)
                ? tr("%1 is now %2 (%3)").arg(mac, name, reply.result.value(u"warning"_s).toString())
                : tr("%1 is now %2; its reservation follows.").arg(mac, name);
            m_text->setText(message);
            Q_EMIT renamed(!reply.isError(), message);
            if (reply.isError())
                load(); // back to the name rackd has
        });
}

bool ReviewPage::isComplete() const { return pastDiscovery(installWizard()->record()); }

ApplyPage::ApplyPage(InstallWizard *wizard)
    : InstallPage(wizard)
    , m_step(new QLabel)
    , m_progress(new QProgressBar)
    , m_table(makeTable({tr("Stack"), tr("Relay"), tr("Pis up"), tr("Verdict")}, tr("Stacks coming up")))
{
    setTitle(tr("Power on and verify"));
    giveTheVerdictRoom(m_table);
    setSubTitle(
        tr("The rack powers on, staggered. A Pi is ok once its agent connects from its fixed address."));
    m_step->setWordWrap(true);
    m_progress->setFormat(tr("%v of %m placed Pis up"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_step);
    layout->addWidget(m_progress);
    layout->addWidget(m_table, 1);
    connect(wizard->state(), &RackState::stackChanged, this, &ApplyPage::refresh);
}

void ApplyPage::refresh()
{
    const std::optional<InstallRecord> record = installWizard()->record();
    if (!record)
        return; // nothing announced yet (or nothing readable): the page keeps what it showed
    using Step = InstallJson::Step;
    const double verifySeconds = double(record->verifyTimeoutMs) / 1000.0;
    m_step->setText(record->step == Step::Writing ? tr("Writing dnsmasq's reservations…")
            : record->step == Step::PoweringOn    ? tr("Powering the rack on, stack by stack…")
            : record->step == Step::Verifying
            ? tr("Waiting for every placed Pi to come up on its fixed address (at most %1 "
                 "s); empty slots are not waited for…")
                  .arg(verifySeconds)
            : record->outcome == InstallJson::Outcome::Done
            ? tr("Done. Relays: %1.").arg(record->relays)
            : tr("The install ended: %1").arg(InstallRecord::outcomeName(record->outcome)));
    const RackState *state = installWizard()->state();
    m_table->setRowCount(int(record->stacks.size()));
    int up = 0;
    int expected = 0;
    for (int row = 0; row < record->stacks.size(); ++row) {
        const InstallStack &stack = record->stacks.at(row);
        const StackView *view = state->stack(stack.id);
        const QString relay = !view || !view->relay ? tr("unknown") : *view->relay ? tr("on") : tr("off");
        // Only the Pis the install placed count: a slot accepted empty is not waited for.
        const int placed = InstallJson::placedPis(*record, stack);
        const int waitedFor = placed >= 0 ? placed : (view ? view->pis : 0);
        const int stackUp = std::min(view ? view->up : 0, waitedFor);
        up += stackUp;
        expected += waitedFor;
        m_table->setItem(row, 0, new QTableWidgetItem(QString::number(stack.id)));
        m_table->setItem(row, 1, new QTableWidgetItem(relay));
        m_table->setItem(row, 2,
            new QTableWidgetItem(!view ? u"—"_s
                    : waitedFor == 0   ? tr("no Pi placed")
                                       : tr("%1 of %2").arg(stackUp).arg(InstallJson::pis(waitedFor))));
        m_table->setItem(row, 3, StatusWord::item(stack.verdict, InstallJson::verdictNote(*record, stack)));
    }
    m_progress->setRange(0, std::max(1, expected));
    m_progress->setValue(std::min(up, std::max(1, expected)));
    Q_EMIT completeChanged();
}

bool ApplyPage::isComplete() const { return !InstallJson::isActive(installWizard()->record()); }

SummaryPage::SummaryPage(InstallWizard *wizard)
    : InstallPage(wizard)
    , m_outcome(new QLabel)
    , m_table(makeTable({tr("Stack"), tr("Discovery"), tr("Found"), tr("Verdict")}, tr("Stacks")))
    , m_notes(new QListWidget)
    , m_format(new QComboBox)
    , m_export(new QPushButton(tr("&Export inventory…")))
    , m_exportStatus(new QLabel)
{
    setTitle(tr("Summary"));
    giveTheVerdictRoom(m_table);
    setFinalPage(true);
    m_outcome->setWordWrap(true);
    m_exportStatus->setWordWrap(true);
    m_notes->setAccessibleName(tr("Anomalies and warnings"));
    m_notes->setMaximumHeight(110);
    m_format->addItem(tr("Ansible inventory (INI)"), u"ansible"_s);
    m_format->addItem(tr("Ansible inventory (YAML)"), u"ansible-yaml"_s);
    m_format->addItem(tr("/etc/hosts lines"), u"hosts"_s);
    m_format->addItem(tr("MPI host file"), u"mpi"_s);
    m_format->addItem(tr("JSON"), u"json"_s);
    m_format->setAccessibleName(tr("Inventory format"));
    auto *exportRow = new QHBoxLayout;
    exportRow->addWidget(m_format);
    exportRow->addWidget(m_export);
    exportRow->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_outcome);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_notes);
    layout->addLayout(exportRow);
    layout->addWidget(m_exportStatus);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString format = m_format->currentData().toString();
        const QString suggested = format == u"ansible-yaml" ? u"inventory.yaml"_s
            : format == u"json"                             ? u"inventory.json"_s
            : format == u"hosts"                            ? u"hosts"_s
            : format == u"mpi"                              ? u"hostfile"_s
                                                            : u"inventory.ini"_s;
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export the inventory"), QDir::home().filePath(suggested));
        if (!path.isEmpty())
            exportInventory(format, path);
    });
}

void SummaryPage::refresh()
{
    const std::optional<InstallRecord> record = installWizard()->record();
    if (!record)
        return; // nothing announced yet (or nothing readable): the page keeps what it showed
    using Outcome = InstallJson::Outcome;
    QString text = tr("<b>The install %1.</b>")
                       .arg(record->outcome == Outcome::Done         ? tr("is done")
                               : record->outcome == Outcome::Aborted ? tr("was aborted")
                               : record->outcome == Outcome::Failed
                               ? tr("failed")
                               : tr("is still running (%1)").arg(InstallRecord::stepName(record->step)));
    if (QString error = record->error; !error.isEmpty()) {
        error[0] = error.at(0).toUpper();
        text += u" "_s + error.toHtmlEscaped() + u'.';
    }
    if (!record->relays.isEmpty())
        text += u"<br>"_s + tr("Relays: %1").arg(record->relays.toHtmlEscaped());
    m_outcome->setText(text);
    m_table->setRowCount(int(record->stacks.size()));
    for (int row = 0; row < record->stacks.size(); ++row) {
        const InstallStack &stack = record->stacks.at(row);
        m_table->setItem(row, 0, new QTableWidgetItem(QString::number(stack.id)));
        m_table->setItem(row, 1, StatusWord::item(InstallStack::statusName(stack.status)));
        m_table->setItem(
            row, 2, new QTableWidgetItem(tr("%1 of %2").arg(stack.macs.size()).arg(stack.expected())));
        m_table->setItem(row, 3, StatusWord::item(stack.verdict, InstallJson::verdictNote(*record, stack)));
    }
    m_notes->clear();
    for (const InstallAnomaly &anomaly : record->anomalies)
        m_notes->addItem(tr("Stack %1, %2: %3 %4")
                             .arg(anomaly.stack)
                             .arg(InstallAnomaly::kindName(anomaly.kind), anomaly.mac, anomaly.detail));
    for (const QString &warning : record->warnings)
        m_notes->addItem(tr("Warning: %1").arg(warning));
    for (const InstallPiCheck &check : record->checks) {
        if (!check.isOk() && !check.mac.isEmpty())
            m_notes->addItem(tr("Stack %1 slot %2 (%3): not up on %4")
                                 .arg(check.stack)
                                 .arg(check.slot)
                                 .arg(check.name, check.address));
    }
    m_notes->setVisible(m_notes->count() > 0);
    m_export->setEnabled(record->outcome == Outcome::Done);
}

void SummaryPage::exportInventory(const QString &format, const QString &path)
{
    m_exportStatus->setText(tr("Exporting…"));
    installWizard()->send(Protocol::Method::Inventory, {{u"format"_s, format}}, this,
        [this, path](const Protocol::Reply &reply) {
            QString message;
            bool ok = false;
            if (reply.isError()) {
                message = tr("rackd did not give the inventory: %1").arg(reply.error->message);
            } else {
                QSaveFile file(path);
                ok = file.open(QIODevice::WriteOnly)
                    && file.write(reply.result.value(u"content"_s).toString().toUtf8()) >= 0 && file.commit();
                message = ok ? tr("Saved to %1").arg(path)
                             : tr("Cannot write %1: %2").arg(path, file.errorString());
            }
            m_exportStatus->setText(message);
            Q_EMIT exported(ok, message);
        });
}
