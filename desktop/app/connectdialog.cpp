// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/connectdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_list(new QListWidget)
    , m_link(new QLineEdit)
    , m_linkInfo(new QLabel)
    , m_name(new QLineEdit)
    , m_host(new QLineEdit)
    , m_port(new QSpinBox)
    , m_token(new QLineEdit)
    , m_message(new QLabel)
{
    setWindowTitle(tr("Connect to a rack"));
    m_list->setAccessibleName(tr("Saved racks"));
    m_link->setPlaceholderText(tr("paste a pirack:// link"));
    m_link->setAccessibleName(tr("Connect link"));
    m_link->setAccessibleDescription(
        tr("Paste a pirack:// link: it carries the rack's address, its fingerprint and a token"));
    m_link->setClearButtonEnabled(true);
    m_link->setEchoMode(QLineEdit::PasswordEchoOnEdit); // the token in it is shown only while it is edited
    m_link->setObjectName(u"link"_s);
    m_name->setObjectName(u"name"_s);
    m_host->setObjectName(u"host"_s);
    m_token->setObjectName(u"token"_s);
    m_linkInfo->setWordWrap(true);
    m_linkInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_linkInfo->hide();
    m_port->setRange(1, 65535);
    m_port->setValue(7420);
    m_name->setPlaceholderText(tr("e.g. lab rack"));
    m_host->setPlaceholderText(tr("the master Pi's name or address"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("leave empty to use the stored token"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(u"color: #8a1f11;"_s);
    m_message->hide();
    auto *remove = new QPushButton(tr("Remove"));
    auto *form = new QFormLayout;
    form->addRow(tr("Connect &link:"), m_link);
    form->addRow(m_linkInfo);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Host:"), m_host);
    form->addRow(tr("Port:"), m_port);
    form->addRow(tr("Token:"), m_token);
    m_hint = new QLabel(
        tr("The token is kept in your desktop's keyring. On first contact you will be shown "
           "the rack's certificate fingerprint: compare it with \"rackd --fingerprint\" on the master."));
    m_hint->setWordWrap(true);
    form->addRow(m_hint);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    auto *left = new QVBoxLayout;
    left->addWidget(m_list);
    left->addWidget(remove);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(form, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
    connect(m_list, &QListWidget::currentTextChanged, this, [this](const QString &name) {
        if (const std::optional<SavedRack> rack = m_saved.find(name)) {
            m_link->clear(); // a saved rack instead of the link
            showRack(*rack);
        }
    });
    connect(m_list, &QListWidget::itemDoubleClicked, this, &ConnectDialog::accept);
    connect(m_link, &QLineEdit::textChanged, this, &ConnectDialog::readLink);
    connect(remove, &QPushButton::clicked, this, [this] {
        if (!m_list->currentItem())
            return;
        QString error;
        if (!m_saved.remove(m_list->currentItem()->text(), &error))
            setMessage(error);
        reload({});
    });
    QString error;
    if (!m_saved.load(&error))
        setMessage(error); // shown, and never overwritten: every change re-reads the file first
    reload(m_saved.current());
}

void ConnectDialog::reload(const QString &select)
{
    m_list->clear();
    for (const SavedRack &rack : m_saved.racks()) {
        m_list->addItem(rack.name);
        if (rack.name == select)
            m_list->setCurrentRow(m_list->count() - 1);
    }
    if (!m_list->currentItem() && m_list->count() > 0)
        m_list->setCurrentRow(0);
}

void ConnectDialog::setLinkText(const QString &text) { m_link->setText(text.trimmed()); }

void ConnectDialog::readLink()
{
    const QString text = m_link->text().trimmed();
    QString error;
    m_pastedLink = text.isEmpty() ? std::nullopt : ConnectLink::parse(text, &error);
    const bool fromLink = m_pastedLink.has_value();
    m_host->setReadOnly(fromLink);
    m_port->setReadOnly(fromLink);
    m_token->setEnabled(!fromLink);
    m_token->setPlaceholderText(fromLink ? tr("in the link") : tr("leave empty to use the stored token"));
    m_linkInfo->setVisible(fromLink);
    m_hint->setVisible(!fromLink);
    if (!fromLink) {
        setMessage(text.isEmpty() ? QString() : tr("This link cannot be used: %1.").arg(error));
        return;
    }
    setMessage({});
    m_list->clearSelection();
    m_name->setText(m_pastedLink->rackName());
    m_host->setText(m_pastedLink->host);
    m_port->setValue(m_pastedLink->port);
    m_token->clear();
    // In groups of 8 hex digits, so that it wraps and reads like rackd --fingerprint's.
    QString grouped = m_pastedLink->fingerprint.left(7);
    for (qsizetype at = 7; at < m_pastedLink->fingerprint.size(); at += 8)
        grouped += u' ' + m_pastedLink->fingerprint.mid(at, 8);
    m_linkInfo->setText(
        tr("The rack must present the certificate\n%1\nPiRack checks it when it connects, and "
           "saves the rack and its token only if it matches and the token is accepted.")
            .arg(grouped));
}

std::optional<ConnectLink> ConnectDialog::link() const
{
    if (!m_pastedLink)
        return std::nullopt;
    ConnectLink named = *m_pastedLink;
    named.name = m_name->text().trimmed();
    return named;
}

void ConnectDialog::showRack(const SavedRack &rack)
{
    m_name->setText(rack.name);
    m_host->setText(rack.host);
    m_port->setValue(rack.port);
    m_token->clear();
}

void ConnectDialog::selectRack(const QString &name) { reload(name); }

void ConnectDialog::setMessage(const QString &message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

SavedRack ConnectDialog::rack() const
{
    return {m_name->text().trimmed(), m_host->text().trimmed(), quint16(m_port->value())};
}

QString ConnectDialog::typedToken() const { return m_token->text().trimmed(); }

void ConnectDialog::accept()
{
    const SavedRack chosen = rack();
    if (!m_link->text().trimmed().isEmpty() && !m_pastedLink) {
        readLink(); // says again what is wrong with it
        return;
    }
    if (!chosen.isValid() || !SavedRacks::isRackName(chosen.name)) {
        setMessage(tr("Give the rack a name (at most 100 characters) and rackd's host."));
        return;
    }
    if (m_pastedLink) {
        QDialog::accept(); // saved once the rack proved the link right
        return;
    }
    QString error;
    if (!m_saved.put(chosen, &error)) {
        setMessage(error);
        return;
    }
    QDialog::accept();
}
