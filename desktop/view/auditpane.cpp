// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "view/auditpane.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

AuditPane::AuditPane(RackSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_table(new QTableWidget(0, 6))
    , m_message(new QLabel)
{
    m_table->setHorizontalHeaderLabels(
        {tr("Time"), tr("Who"), tr("From"), tr("Action"), tr("Targets"), tr("Result")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(tr("Audit log"));
    setAccessibleName(tr("Audit"));
    setAccessibleDescription(tr("Who did what on the rack, newest first, from rackd's audit log"));
    auto *refresh = new QPushButton(tr("Refresh"));
    m_message->setWordWrap(true);
    auto *row = new QHBoxLayout;
    row->addWidget(m_message, 1);
    row->addWidget(refresh);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_table, 1);
    m_reload.setSingleShot(true);
    m_reload.setInterval(700);
    connect(&m_reload, &QTimer::timeout, this, &AuditPane::reload);
    connect(refresh, &QPushButton::clicked, this, &AuditPane::reload);
    connect(m_session, &RackSession::statusChanged, this, [this](RackSession::Status status) {
        if (status == RackSession::Status::Connected)
            reloadSoon();
    });
    connect(m_session, &RackSession::eventReceived, this, [this](const Protocol::Event &event) {
        if (event.name == Protocol::name(Protocol::EventName::RelayChanged)
            || event.name == Protocol::name(Protocol::EventName::InstallChanged))
            reloadSoon();
    });
}

void AuditPane::reload()
{
    if (m_session->status() != RackSession::Status::Connected)
        return;
    QPointer<AuditPane> self(this);
    m_session->client()->request(
        Protocol::Method::Audit, {{u"last"_s, Entries}}, [self](const Protocol::Reply &reply) {
            AuditPane *pane = self.data();
            if (!pane)
                return;
            if (reply.isError()) {
                pane->m_message->setText(reply.error->code == Protocol::ErrorCode::Forbidden
                        ? tr("This token's role cannot read the audit log (it takes an operator or admin "
                             "token).")
                        : tr("The audit log cannot be read: %1").arg(reply.error->message));
                Q_EMIT pane->loaded();
                return;
            }
            const QJsonArray entries = reply.result.value(u"entries"_s).toArray();
            QTableWidget *table = pane->m_table;
            table->setRowCount(int(entries.size()));
            // Newest first: what just happened is at the top.
            for (int i = 0; i < entries.size(); ++i) {
                const QJsonObject entry = entries.at(entries.size() - 1 - i).toObject();
                const QDateTime time
                    = QDateTime::fromString(entry.value(u"time"_s).toString(), Qt::ISODateWithMs);
                QStringList targets;
                for (const QJsonValue &target : entry.value(u"targets"_s).toArray())
                    targets.append(
                        target.isString() ? target.toString() : QString::number(target.toDouble()));
                const QJsonObject params = entry.value(u"params"_s).toObject();
                QString action = entry.value(u"request"_s).toString();
                if (params.contains(u"action"_s))
                    action += u' ' + params.value(u"action"_s).toString();
                table->setItem(i, 0,
                    new QTableWidgetItem(
                        time.isValid() ? time.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s) : QString()));
                table->setItem(i, 1, new QTableWidgetItem(entry.value(u"token"_s).toString()));
                table->setItem(i, 2, new QTableWidgetItem(entry.value(u"source"_s).toString()));
                table->setItem(i, 3, new QTableWidgetItem(action));
                table->setItem(i, 4, new QTableWidgetItem(targets.join(u", "_s)));
                table->setItem(i, 5, new QTableWidgetItem(entry.value(u"result"_s).toString()));
            }
            pane->m_message->setText(
                tr("The last %n audited action(s), newest first.", nullptr, int(entries.size())));
            Q_EMIT pane->loaded();
        });
}
