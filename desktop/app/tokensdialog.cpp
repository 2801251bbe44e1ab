// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/tokensdialog.h"

#include "client/connectlink.h"
#include "client/savedracks.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

TokensDialog::TokensDialog(RackSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_table(new QTableWidget(0, 3))
    , m_name(new QLineEdit)
    , m_role(new QComboBox)
    , m_asLink(new QCheckBox(tr("As a connect &link (for pirack or \"rackctl rack add\")")))
    , m_linkHost(new QLineEdit)
    , m_created(new QLineEdit)
    , m_copy(new QPushButton(tr("&Copy")))
    , m_message(new QLabel)
{
    setWindowTitle(tr("Tokens"));
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Role"), tr("Created")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAccessibleName(tr("Tokens of this rack"));
    m_name->setPlaceholderText(tr("who or what uses it, e.g. alice-laptop"));
    m_name->setAccessibleName(tr("Name of the new token"));
    for (const QString &role : {u"viewer"_s, u"operator"_s, u"admin"_s})
        m_role->addItem(role);
    m_role->setAccessibleName(tr("Role of the new token"));
    m_role->setToolTip(
        tr("viewer: sees the rack; operator: also switches power and runs actions; admin: also "
           "manages tokens and installs"));
    m_asLink->setChecked(true);
    // The link must name the master as the laptop reaches it, not as this app does (maybe over a tunnel).
    m_linkHost->setText(ConnectLink::hostForLink(session->options().host));
    m_linkHost->setAccessibleName(tr("Host the link names"));
    m_created->setReadOnly(true);
    m_created->setAccessibleName(tr("The new token or link"));
    m_created->setPlaceholderText(tr("the new token appears here, once"));
    m_copy->setEnabled(false);
    m_message->setWordWrap(true);
    m_message->hide();

    auto *revoke = new QPushButton(tr("&Revoke…"));
    revoke->setObjectName(u"revoke"_s);
    auto *create = new QPushButton(tr("Cr&eate"));
    create->setObjectName(u"create"_s);
    auto *newToken = new QGroupBox(tr("New token"));
    auto *form = new QFormLayout(newToken);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("R&ole:"), m_role);
    form->addRow(m_asLink);
    form->addRow(tr("Link &host:"), m_linkHost);
    form->addRow(create);
    auto *result = new QHBoxLayout;
    result->addWidget(m_created, 1);
    result->addWidget(m_copy);
    form->addRow(result);
    auto *warning
        = new QLabel(tr("Anyone holding the token or the link acts with its role: hand it over only "
                        "to its user. rackd keeps only its hash; it is not shown again."));
    warning->setWordWrap(true);
    form->addRow(warning);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    auto *tableButtons = new QHBoxLayout;
    tableButtons->addStretch(1);
    tableButtons->addWidget(revoke);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(tableButtons);
    layout->addWidget(newToken);
    layout->addWidget(m_message);
    layout->addWidget(buttons);

    confirmRevoke = [this](const QString &name) {
        return QMessageBox::question(this, tr("Revoke a token"),
                   tr("Revoke the token \"%1\"? Whoever uses it is refused from now on, also over Redfish.")
                       .arg(name))
            == QMessageBox::Yes;
    };
    connect(m_asLink, &QCheckBox::toggled, m_linkHost, &QLineEdit::setEnabled);
    connect(create, &QPushButton::clicked, this, &TokensDialog::create);
    connect(m_name, &QLineEdit::returnPressed, this, &TokensDialog::create);
    connect(revoke, &QPushButton::clicked, this, &TokensDialog::revokeSelected);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_created->text());
        setMessage(tr("Copied. Paste it where its user will find it, then clear your clipboard."), false);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(620, 560);
    refresh();
}

QString TokensDialog::created() const { return m_created->text(); }

QString TokensDialog::message() const { return m_message->isHidden() ? QString() : m_message->text(); }

void TokensDialog::setMessage(const QString &text, bool problem)
{
    m_message->setText(text);
    m_message->setStyleSheet(problem ? u"color: #8a1f11;"_s : QString());
    m_message->setVisible(!text.isEmpty());
}

void TokensDialog::refresh()
{
    // The dialog may be closed before rackd answers (RackClient answers every pending request when the
    // connection ends): the answer then has nowhere to go.
    QPointer<TokensDialog> self(this);
    m_session->client()->request(Protocol::Method::TokenList, {}, [self](const Protocol::Reply &reply) {
        if (TokensDialog *dialog = self.data())
            dialog->showList(reply);
    });
}

void TokensDialog::showList(const Protocol::Reply &reply)
{
    if (reply.isError()) {
        setMessage(tr("The tokens cannot be listed: %1").arg(reply.error->message), true);
        Q_EMIT answered();
        return;
    }
    const QJsonArray tokens = reply.result.value(u"tokens"_s).toArray();
    m_table->setRowCount(int(tokens.size()));
    for (int row = 0; row < tokens.size(); ++row) {
        const QJsonObject token = tokens.at(row).toObject();
        const QDateTime created = QDateTime::fromString(token.value(u"created"_s).toString(), Qt::ISODate);
        m_table->setItem(row, 0, new QTableWidgetItem(token.value(u"name"_s).toString()));
        m_table->setItem(row, 1, new QTableWidgetItem(token.value(u"role"_s).toString()));
        m_table->setItem(row, 2,
            new QTableWidgetItem(created.isValid()
                    ? QLocale().toString(created.toLocalTime(), QLocale::ShortFormat)
                    : token.value(u"created"_s).toString()));
    }
    m_table->resizeColumnsToContents();
    Q_EMIT answered();
}

void TokensDialog::create()
{
    const QString name = m_name->text().trimmed();
    const QString linkHost = m_linkHost->text().trimmed();
    if (name.isEmpty()) {
        setMessage(tr("Give the new token a name: who or what will use it."), true);
        return;
    }
    if (m_asLink->isChecked() && !ConnectLink::isHost(linkHost)) {
        setMessage(tr("The link needs the master's host name or address, as the laptop reaches it."), true);
        return;
    }
    const bool asLink = m_asLink->isChecked();
    QPointer<TokensDialog> self(this);
    m_session->client()->request(Protocol::Method::TokenCreate,
        {{u"name"_s, name}, {u"role"_s, m_role->currentText()}},
        [self, asLink, linkHost](const Protocol::Reply &reply) {
            if (TokensDialog *dialog = self.data())
                dialog->showCreated(reply, asLink, linkHost);
        });
}

void TokensDialog::showCreated(const Protocol::Reply &reply, bool asLink, const QString &linkHost)
{
    if (reply.isError()) {
        setMessage(tr("No token was made: %1").arg(reply.error->message), true);
        Q_EMIT answered();
        return;
    }
    const QString token = reply.result.value(u"token"_s).toString();
    const QString tokenName = reply.result.value(u"name"_s).toString();
    const QString role = reply.result.value(u"role"_s).toString();
    const QString shown
        = asLink ? ConnectLink {linkHost, m_session->options().port, m_session->serverFingerprint(), token,
              {}}.toString()
                 : token;
    m_created->setText(shown);
    m_created->setCursorPosition(0);
    m_copy->setEnabled(true);
    m_name->clear();
    setMessage(asLink ? tr("The link for \"%1\" (%2) is above: it is shown only now.").arg(tokenName, role)
                      : tr("The token \"%1\" (%2) is above: it is shown only now.").arg(tokenName, role),
        false);
    refresh();
}

void TokensDialog::revokeSelected()
{
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    if (selected.isEmpty()) {
        setMessage(tr("Select the token to revoke."), true);
        return;
    }
    const QString name = m_table->item(selected.first()->row(), 0)->text();
    if (!confirmRevoke(name))
        return;
    QPointer<TokensDialog> self(this);
    m_session->client()->request(
        Protocol::Method::TokenRevoke, {{u"name"_s, name}}, [self, name](const Protocol::Reply &reply) {
            TokensDialog *dialog = self.data();
            if (!dialog)
                return;
            if (reply.isError())
                dialog->setMessage(tr("\"%1\" was not revoked: %2").arg(name, reply.error->message), true);
            else
                dialog->setMessage(tr("\"%1\" is revoked.").arg(name), false);
            dialog->refresh();
        });
}
