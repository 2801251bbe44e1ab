// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "installjson.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTime>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;
using Action = PowerActions::Action;

MainWindow::MainWindow(RackSession *session, RackState *state, PowerActions::Confirm confirm, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_state(state)
    , m_power(new PowerActions(session, state, std::move(confirm), this))
    , m_rackView(new RackView(state))
    , m_nodes(new NodeTableModel(state, this))
    , m_filter(new NodeFilterModel(this))
    , m_banner(new QLabel)
    , m_connectionLabel(new QLabel)
    , m_search(new QLineEdit)
    , m_table(new QTableView)
    , m_log(new QPlainTextEdit)
    , m_installLabel(new QLabel)
{
    setWindowTitle(tr("PiRack"));
    setObjectName(u"mainWindow"_s);

    // The banner says, in words, why the rack shown may be out of date.
    m_banner->setObjectName(u"connectionBanner"_s);
    m_banner->setWordWrap(true);
    m_banner->setMargin(8);
    m_banner->setStyleSheet(u"background: #fbe3b0; color: #4a3500; border-bottom: 1px solid #d9a520;"_s);
    m_banner->hide();
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_rackView, 1);
    setCentralWidget(central);

    m_filter->setSourceModel(m_nodes);
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_search->setPlaceholderText(tr("Search by name, MAC, address or \"stack N\""));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search nodes"));
    connect(m_search, &QLineEdit::textChanged, m_filter, &NodeFilterModel::setSearchText);
    auto *nodesPane = new QWidget;
    auto *nodesLayout = new QVBoxLayout(nodesPane);
    nodesLayout->addWidget(m_search);
    nodesLayout->addWidget(m_table);
    auto *nodesDock = new QDockWidget(tr("Nodes"));
    nodesDock->setObjectName(u"nodesDock"_s);
    nodesDock->setWidget(nodesPane);
    addDockWidget(Qt::RightDockWidgetArea, nodesDock);

    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    auto *logDock = new QDockWidget(tr("Events"));
    logDock->setObjectName(u"eventsDock"_s);
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);

    statusBar()->addPermanentWidget(m_installLabel);
    statusBar()->addPermanentWidget(m_connectionLabel);
    m_installLabel->hide();
    buildActions();

    connect(m_session, &RackSession::statusChanged, this, &MainWindow::showStatus);
    connect(m_session, &RackSession::installChanged, this, &MainWindow::showInstall);
    connect(m_rackView, &RackView::stackSelected, this, &MainWindow::updateActions);
    connect(m_rackView, &RackView::stackMenuRequested, this, [this](int stack, const QPoint &position) {
        m_rackView->setSelectedStack(stack);
        QMenu menu;
        menu.setTitle(tr("Stack %1").arg(stack));
        for (Action action : {Action::On, Action::Off, Action::Cycle, Action::GracefulOff})
            menu.addAction(m_stackActions.value(int(action)));
        menu.exec(position);
    });
    connect(m_session, &RackSession::eventReceived, this, [this](const Protocol::Event &event) {
        if (event.name == u"node.metrics")
            return; // a second's heartbeats are not news
        logLine(event.name + u' ' + QString::fromUtf8(QJsonDocument(event.data).toJson(QJsonDocument::Compact)));
    });
    connect(m_power, &PowerActions::finished, this,
        [this](Action action, const QList<int> &stacks, bool ok, const QString &message) {
            QStringList ids;
            for (int stack : stacks)
                ids.append(QString::number(stack));
            const QString line = tr("%1 of stack %2: %3")
                                     .arg(PowerActions::actionLabel(action), ids.join(u", "_s), ok ? tr("done") : message);
            logLine(line);
            statusBar()->showMessage(line, 10000);
        });
    showStatus(m_session->status(), m_session->statusMessage());

    QSettings settings;
    restoreGeometry(settings.value(u"mainWindow/geometry"_s).toByteArray());
    restoreState(settings.value(u"mainWindow/state"_s).toByteArray());
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    QToolBar *rackBar = addToolBar(tr("Rack"));
    rackBar->setObjectName(u"rackToolBar"_s);
    m_allOn = rackBar->addAction(tr("Power on all (staggered)"), this, [this] {
        QList<int> all;
        for (const StackView &stack : m_state->stacks())
            all.append(stack.id);
        m_power->request(Action::On, all);
    });
    m_allGracefulOff = rackBar->addAction(tr("Graceful off all"), this, [this] {
        QList<int> all;
        for (const StackView &stack : m_state->stacks())
            all.append(stack.id);
        m_power->request(Action::GracefulOff, all);
    });
    m_installAction = rackBar->addAction(tr("Install…"), this, &MainWindow::openInstallWizard);
    m_installAction->setToolTip(tr("The guided staged install: find every stack's Pis and give them fixed addresses"));
    QToolBar *stackBar = addToolBar(tr("Stack"));
    stackBar->setObjectName(u"stackToolBar"_s);
    const QList<QPair<Action, QKeySequence>> actions {{Action::On, QKeySequence(u"Ctrl+Shift+O"_s)},
        {Action::Off, QKeySequence(u"Ctrl+Shift+F"_s)}, {Action::Cycle, QKeySequence(u"Ctrl+Shift+C"_s)},
        {Action::GracefulOff, QKeySequence(u"Ctrl+Shift+G"_s)}};
    for (const auto &[action, shortcut] : actions) {
        QAction *qaction = stackBar->addAction(PowerActions::actionLabel(action), this, [this, action = action] {
            if (m_rackView->selectedStack() != 0)
                m_power->request(action, {m_rackView->selectedStack()});
        });
        qaction->setShortcut(shortcut);
        m_stackActions.insert(int(action), qaction);
    }
    updateActions();
}

void MainWindow::updateActions()
{
    const bool connected = m_session->status() == RackSession::Status::Connected;
    const int stack = m_rackView->selectedStack();
    for (QAction *action : std::as_const(m_stackActions)) {
        action->setEnabled(connected && stack != 0);
        action->setToolTip(stack != 0 ? tr("%1 stack %2").arg(action->text()).arg(stack) : tr("Select a stack first"));
    }
    m_allOn->setEnabled(connected);
    m_allGracefulOff->setEnabled(connected);
    m_installAction->setEnabled(connected);
}

void MainWindow::openInstallWizard()
{
    if (!m_wizard) {
        m_wizard = new InstallWizard(m_session, m_state, this);
        m_wizard->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_wizard->show();
    m_wizard->raise();
    m_wizard->activateWindow();
}

void MainWindow::showInstall(const QJsonObject &record)
{
    const bool active = InstallJson::isActive(record);
    m_installLabel->setVisible(active);
    if (!active)
        return;
    const int stack = InstallJson::currentStack(record);
    m_installLabel->setText(InstallJson::waitsForDecision(record)
            ? tr("Install: stack %1 waits for you").arg(stack)
            : stack != 0 ? tr("Install: stack %1").arg(stack)
                         : tr("Install: %1").arg(InstallJson::step(record)));
    // An install is running (started here, elsewhere, or before the app was closed): show where it is, once.
    const QString id = InstallJson::text(record, "id");
    if (id != m_autoOpenedInstall) {
        m_autoOpenedInstall = id;
        openInstallWizard();
    }
}

void MainWindow::showStatus(RackSession::Status status, const QString &message)
{
    switch (status) {
    case RackSession::Status::Connected:
        m_banner->hide();
        m_connectionLabel->setText(tr("Connected"));
        break;
    case RackSession::Status::Connecting:
        m_banner->setText(tr("Connecting to rackd…"));
        m_banner->show();
        m_connectionLabel->setText(tr("Connecting"));
        break;
    case RackSession::Status::Reconnecting:
        m_banner->setText(tr("Not connected: %1. The rack shown may be out of date.").arg(message));
        m_banner->show();
        m_connectionLabel->setText(tr("Reconnecting"));
        break;
    case RackSession::Status::Disconnected:
        m_banner->setText(message.isEmpty() ? tr("Not connected.") : tr("Not connected: %1").arg(message));
        m_banner->show();
        m_connectionLabel->setText(tr("Disconnected"));
        break;
    }
    if (!message.isEmpty())
        logLine(message);
    updateActions();
}

void MainWindow::logLine(const QString &line)
{
    m_log->appendPlainText(QTime::currentTime().toString(u"HH:mm:ss"_s) + u"  "_s + line);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(u"mainWindow/geometry"_s, saveGeometry());
    settings.setValue(u"mainWindow/state"_s, saveState());
    QMainWindow::closeEvent(event);
}
