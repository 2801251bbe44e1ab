// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/stackhistorydialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int AuditEntries = 500;

QString duration(qint64 ms)
{
    const qint64 seconds = (ms + 500) / 1000;
    return seconds < 120 ? QObject::tr("%1 s").arg(seconds)
                         : QObject::tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
}
} // namespace

StackHistoryDialog::StackHistoryDialog(
    int stack, RackSession *session, PowerHistory *history, QWidget *parent)
    : QDialog(parent)
    , m_stack(stack)
    , m_history(history)
    , m_table(new QTableWidget(0, 4))
    , m_note(new QLabel)
{
    setWindowTitle(tr("Power history of stack %1").arg(stack));
    m_table->setHorizontalHeaderLabels({tr("When"), tr("What"), tr("By"), tr("Pis up")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAccessibleName(tr("Power history of stack %1, newest first").arg(stack));
    m_note->setWordWrap(true);
    m_note->setText(tr("Loading rackd's audit log…"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_note);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_history, &PowerHistory::changed, this, [this](int changed) {
        if (changed == m_stack)
            fill();
    });
    resize(640, 420);
    fill();
    QPointer<StackHistoryDialog> self(this);
    session->client()->request(
        Protocol::Method::Audit, {{u"last"_s, AuditEntries}}, [self](const Protocol::Reply &reply) {
            if (StackHistoryDialog *dialog = self.data())
                dialog->showAudit(reply);
        });
}

void StackHistoryDialog::showAudit(const Protocol::Reply &reply)
{
    if (reply.isError()) {
        m_note->setText(reply.error->code == Protocol::ErrorCode::Forbidden
                ? tr("Only what this app saw is shown: this token's role cannot read the audit log.")
                : tr("Only what this app saw is shown: the audit log cannot be read (%1).")
                      .arg(reply.error->message));
    } else {
        m_audit = reply.result.value(u"entries"_s).toArray();
        m_note->setText(
            tr("Switches seen by this app say how long the Pis took to come up; older entries come "
               "from rackd's audit log (its last %1 entries).")
                .arg(AuditEntries));
    }
    fill();
    Q_EMIT loaded();
}

QString StackHistoryDialog::note() const { return m_note->text(); }

void StackHistoryDialog::fill()
{
    const QList<PowerSwitch> entries = m_history->forStack(m_stack, m_audit);
    m_table->setRowCount(int(entries.size()));
    for (int row = 0; row < entries.size(); ++row) {
        const PowerSwitch &entry = entries.at(row);
        QString what = entry.live ? tr("switched %1").arg(entry.what) : entry.what;
        if (!entry.live && !entry.result.isEmpty() && entry.result != u"ok")
            what += u" ("_s + entry.result + u')';
        QString up;
        if (entry.live && entry.what == u"on") {
            up = entry.expected == 0 ? tr("no Pi placed")
                : entry.upAfterMs >= 0
                ? tr("all %1 after %2").arg(entry.expected).arg(duration(entry.upAfterMs))
                : row > 0 && entries.at(row - 1).live
                ? tr("%1 of %2 before it was switched %3")
                      .arg(entry.up)
                      .arg(entry.expected)
                      .arg(entries.at(row - 1).what)
                : tr("%1 of %2 so far").arg(entry.up).arg(entry.expected);
        }
        m_table->setItem(row, 0,
            new QTableWidgetItem(QLocale().toString(entry.time.toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s)));
        m_table->setItem(row, 1, new QTableWidgetItem(what));
        m_table->setItem(row, 2, new QTableWidgetItem(entry.by.isEmpty() ? tr("(not said)") : entry.by));
        m_table->setItem(row, 3, new QTableWidgetItem(up));
    }
    m_table->resizeColumnsToContents();
}
