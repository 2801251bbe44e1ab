// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/mainwindow.h"

#include "app/stackhistorydialog.h"
#include "app/tokensdialog.h"
#include "model/eventlogmodel.h"
#include "model/powerhistory.h"
#include "view/eventlogpane.h"

#include "editor/structureeditor.h"
#include "install/installjson.h"
#include "protocol/eventwording.h"
#include "system/printable.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
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
    , m_power(new PowerActions(session, state, confirm, this))
    , m_rackView(new RackView(state))
    , m_nodes(new NodeTableModel(state, this))
    , m_filter(new NodeFilterModel(this))
    , m_banner(new QLabel)
    , m_connectionLabel(new QLabel)
    , m_search(new QLineEdit)
    , m_table(new QTableView)
    , m_events(new EventLogModel(2000, this))
    , m_eventLog(new EventLogPane(m_events))
    , m_powerHistory(new PowerHistory(state, this))
    , m_history(new MetricsHistory(state, this))
    , m_nodeActions(new NodeActions(session, state, confirm, this))
    , m_recoveryActions(new RecoveryActions(session, state, this))
    , m_details(new NodeDetailsPane(state, m_history))
    , m_audit(new AuditPane(session))
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
    // Columns are fitted when the set of nodes changes, not on every heartbeat: ResizeToContents
    // would measure up to 1000 rows for each batch of metrics.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    connect(m_nodes, &QAbstractItemModel::modelReset, m_table, [this] {
        m_table->horizontalHeader()->setResizeContentsPrecision(200);
        m_table->resizeColumnsToContents();
    });
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

    m_detailsDock = new QDockWidget(tr("Details"));
    m_detailsDock->setObjectName(u"detailsDock"_s);
    m_detailsDock->setWidget(m_details);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            if (current.isValid())
                m_details->setNode(current.data(NodeTableModel::MacRole).toString());
        });
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &position) {
        const QStringList macs = selectedNodes();
        if (macs.isEmpty())
            return;
        std::unique_ptr<QMenu> menu(nodeMenu(macs, this));
        menu->exec(m_table->viewport()->mapToGlobal(position));
    });
    connect(m_rackView, &RackView::nodeActivated, this, &MainWindow::showDetails);
    connect(
        m_rackView, &RackView::nodeMenuRequested, this, [this](const QString &mac, const QPoint &position) {
            // A right-click on one of several selected Pis acts on all of them, as in the table.
            const QStringList selected = selectedNodes();
            std::unique_ptr<QMenu> menu(
                nodeMenu(selected.contains(mac) ? selected : QStringList {mac}, this));
            menu->exec(position);
        });
    connect(m_nodeActions, &NodeActions::finished, this, &MainWindow::showResults);
    connect(m_nodeActions, &NodeActions::finished, m_audit, &AuditPane::reloadSoon);
    connect(m_power, &PowerActions::finished, m_audit, &AuditPane::reloadSoon);
    m_askReason = [this](const QString &title, const QString &label) -> std::optional<QString> {
        bool ok = false;
        const QString reason = QInputDialog::getText(this, title, label, QLineEdit::Normal, {}, &ok);
        return ok ? std::optional<QString>(reason) : std::nullopt;
    };
    connect(m_recoveryActions, &RecoveryActions::finished, this,
        [this](const QString &what, bool ok, const QString &message) {
            const QString line = ok ? tr("%1: done").arg(what) : tr("%1 failed: %2").arg(what, message);
            logLine(line, !ok);
            statusBar()->showMessage(line, 10000);
            m_audit->reloadSoon();
        });

    auto *logDock = new QDockWidget(tr("Events"));
    logDock->setObjectName(u"eventsDock"_s);
    logDock->setWidget(m_eventLog);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    addDockWidget(Qt::BottomDockWidgetArea, m_detailsDock);
    auto *auditDock = new QDockWidget(tr("Audit"));
    auditDock->setObjectName(u"auditDock"_s);
    auditDock->setWidget(m_audit);
    addDockWidget(Qt::BottomDockWidgetArea, auditDock);
    tabifyDockWidget(logDock, auditDock);
    logDock->raise();
    splitDockWidget(logDock, m_detailsDock, Qt::Horizontal);

    statusBar()->addPermanentWidget(m_installLabel);
    statusBar()->addPermanentWidget(m_connectionLabel);
    m_installLabel->hide();
    buildActions();

    connect(m_session, &RackSession::statusChanged, this, &MainWindow::showStatus);
    connect(m_session, &RackSession::installChanged, this, &MainWindow::showInstall);
    connect(m_rackView, &RackView::stackSelected, this, &MainWindow::updateActions);
    connect(m_rackView, &RackView::stackMenuRequested, this, [this](int stack, const QPoint &position) {
        std::unique_ptr<QMenu> menu(stackMenu(stack, this));
        menu->exec(position);
    });
    // In the operator's words (the same as rackctl events), with the severity and the event as it came.
    m_events->setRack(m_state);
    connect(m_session, &RackSession::eventReceived, m_events, [this](const Protocol::Event &event) {
        m_events->addEvent(event);
        m_powerHistory->applyEvent(event);
    });
    connect(m_state, &RackState::reset, this, [this] {
        QList<int> stacks;
        for (const StackView &stack : m_state->stacks())
            stacks.append(stack.id);
        m_eventLog->setStacks(stacks);
    });
    connect(m_power, &PowerActions::finished, this,
        [this](Action action, const QList<int> &stacks, bool ok, const QString &message) {
            QStringList ids;
            for (int stack : stacks)
                ids.append(QString::number(stack));
            const QString line
                = tr("%1 of stack %2: %3")
                      .arg(PowerActions::actionLabel(action), ids.join(u", "_s), ok ? tr("done") : message);
            m_events->addLine(line, ok ? EventWording::Severity::Info : EventWording::Severity::Warning,
                stacks.size() == 1 ? std::optional<int>(stacks.first()) : std::nullopt);
            statusBar()->showMessage(line, 10000);
        });
    showStatus(m_session->status(), m_session->statusMessage());

    QSettings settings;
    restoreGeometry(settings.value(u"mainWindow/geometry"_s).toByteArray());
    restoreState(settings.value(u"mainWindow/state"_s).toByteArray());
}

MainWindow::~MainWindow() = default;

QString MainWindow::rackDetails() const
{
    if (m_session->status() != RackSession::Status::Connected)
        return tr("Not connected to a rack.");
    const RackClient::Options &options = m_session->options();
    // An IPv6 address goes in brackets in a URL.
    const QString host = options.host.contains(u':') ? u'[' + options.host + u']' : options.host;
    QStringList lines {tr("rackd: %1 port %2").arg(options.host).arg(options.port),
        tr("Fingerprint: %1").arg(m_session->serverFingerprint()),
        tr("Relays: %1").arg(m_state->relayBackend())};
    if (m_state->httpPort() == 0) {
        lines.append(
            tr("Redfish and Prometheus metrics: off on this rackd (http_listen_port = 0 in rackd.conf)"));
    } else {
        const QString base = u"%1://%2:%3"_s.arg(m_state->httpScheme(), host).arg(m_state->httpPort());
        lines.append(tr("Redfish: %1/redfish/v1 (user \"pirack\", a rackd token as the password)").arg(base));
        lines.append(tr("Prometheus metrics: %1/metrics").arg(base));
        lines.append(tr("That listener presents the same certificate, with this fingerprint."));
    }
    return lines.join(u'\n');
}

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
    m_switchRack = rackBar->addAction(tr("Switch rack…"));
    m_switchRack->setShortcut(QKeySequence(u"Ctrl+K"_s));
    m_switchRack->setToolTip(tr("Connect to another saved rack, or add one (Ctrl+K)"));
    m_rackDetails = rackBar->addAction(tr("Rack details…"), this, [this] {
        QMessageBox box(
            QMessageBox::Information, tr("Rack details"), rackDetails(), QMessageBox::Close, this);
        box.setTextInteractionFlags(Qt::TextSelectableByMouse); // the URLs are there to be copied
        box.exec();
    });
    m_rackDetails->setToolTip(tr("Where this rack is, its fingerprint, and the URL Prometheus scrapes"));
    m_tokens = rackBar->addAction(tr("Tokens…"), this, [this] {
        TokensDialog dialog(m_session, this);
        dialog.exec();
    });
    m_tokens->setObjectName(u"tokens"_s);
    m_temperatureView = rackBar->addAction(tr("Temperatures"));
    m_temperatureView->setObjectName(u"temperatureView"_s);
    m_temperatureView->setCheckable(true);
    m_temperatureView->setShortcut(QKeySequence(u"Ctrl+T"_s));
    m_temperatureView->setToolTip(
        tr("Colour the Pis by temperature instead of by state: the rack's hot spots (Ctrl+T)"));
    connect(m_temperatureView, &QAction::toggled, m_rackView, &RackView::setTemperatureView);
    m_notifications = rackBar->addAction(tr("Notify me"));
    m_notifications->setObjectName(u"notifications"_s);
    m_notifications->setCheckable(true);
    m_notifications->setChecked(true);
    m_notifications->setToolTip(
        tr("Tell me through the desktop's notifications when a running stack goes ko, a Pi "
           "is lost, or the install waits for me"));
    m_tokens->setToolTip(
        tr("Who may use this rack: make a token or a connect link for a person, revoke one (admins)"));
    QAction *design = rackBar->addAction(tr("Rack designer…"), this, [this] {
        auto *editor = new StructureEditor;
        editor->setAttribute(Qt::WA_DeleteOnClose);
        editor->show();
    });
    design->setToolTip(tr("Draw a rack and write its structure file, without any connection"));
    m_installAction = rackBar->addAction(tr("Install…"), this, &MainWindow::openInstallWizard);
    m_installAction->setToolTip(
        tr("The guided staged install: find every stack's Pis and give them fixed addresses"));
    QToolBar *stackBar = addToolBar(tr("Stack"));
    stackBar->setObjectName(u"stackToolBar"_s);
    // One button per power action of the protocol (a new one needs its shortcut below to compile).
    const auto shortcutOf = [](Action action) {
        switch (action) {
        case Action::On:
            return QKeySequence(u"Ctrl+Shift+O"_s);
        case Action::Off:
            return QKeySequence(u"Ctrl+Shift+F"_s);
        case Action::Cycle:
            return QKeySequence(u"Ctrl+Shift+C"_s);
        case Action::GracefulOff:
            return QKeySequence(u"Ctrl+Shift+G"_s);
        }
        return QKeySequence();
    };
    for (Action action : Protocol::all<Action>()) {
        const QKeySequence shortcut = shortcutOf(action);
        QAction *qaction = stackBar->addAction(PowerActions::actionLabel(action), this, [this, action] {
            if (m_rackView->selectedStack() != 0)
                m_power->request(action, {m_rackView->selectedStack()});
        });
        qaction->setShortcut(shortcut);
        m_stackActions.insert(int(action), qaction);
    }
    stackBar->addSeparator();
    // Shown in the bar while the selected stack is being recovered: the one-click way to stop it.
    m_stopRecovery = stackBar->addAction(tr("Stop recovery"), this, [this] {
        if (m_rackView->selectedStack() != 0)
            m_recoveryActions->stopRecovery(m_rackView->selectedStack());
    });
    m_stopRecovery->setObjectName(u"stopRecoveryButton"_s);
    connect(m_state, &RackState::reset, this, &MainWindow::updateActions);
    connect(m_state, &RackState::stackChanged, this, &MainWindow::updateActions);
    updateActions();
}

void MainWindow::updateActions()
{
    const bool connected = m_session->status() == RackSession::Status::Connected;
    const int stack = m_rackView->selectedStack();
    for (QAction *action : std::as_const(m_stackActions)) {
        action->setEnabled(connected && stack != 0);
        action->setToolTip(
            stack != 0 ? tr("%1 stack %2").arg(action->text()).arg(stack) : tr("Select a stack first"));
    }
    m_allOn->setEnabled(connected);
    m_allGracefulOff->setEnabled(connected);
    m_installAction->setEnabled(connected);
    m_tokens->setEnabled(connected);
    const StackView *view = m_state->stack(stack);
    const bool recovering = view && !view->recoveryPhase.isEmpty();
    m_stopRecovery->setEnabled(connected && recovering);
    m_stopRecovery->setToolTip(recovering
            ? tr("Stop the recovery of stack %1 (%2); the stack stays in maintenance")
                  .arg(stack)
                  .arg(view->recoveryReason)
            : tr("No recovery runs on the selected stack"));
}

QMenu *MainWindow::stackMenu(int stack, QWidget *parent)
{
    m_rackView->setSelectedStack(stack);
    auto *menu = new QMenu(parent);
    menu->setTitle(tr("Stack %1").arg(stack));
    menu->addSection(tr("Stack %1").arg(stack));
    for (Action action : Protocol::all<Action>())
        menu->addAction(m_stackActions.value(int(action)));
    menu->addSeparator();
    const bool connected = m_session->status() == RackSession::Status::Connected;
    const StackView *view = m_state->stack(stack);
    const bool inMaintenance = view && !view->maintenance.isEmpty();
    QAction *maintenance = menu->addAction(
        inMaintenance ? tr("End maintenance") : tr("Maintenance…"), this, [this, stack, inMaintenance] {
            if (inMaintenance) {
                m_recoveryActions->setStackMaintenance(stack, false);
                return;
            }
            const std::optional<QString> reason = m_askReason(tr("Stack %1 in maintenance").arg(stack),
                tr("No recovery and no alerts for stack %1 until maintenance ends. Why (shown to everyone)?")
                    .arg(stack));
            if (reason)
                m_recoveryActions->setStackMaintenance(stack, true, *reason);
        });
    maintenance->setObjectName(u"maintenance"_s);
    maintenance->setEnabled(connected);
    QAction *stop = menu->addAction(
        tr("Stop recovery"), this, [this, stack] { m_recoveryActions->stopRecovery(stack); });
    stop->setObjectName(u"stopRecovery"_s);
    stop->setEnabled(connected && view && !view->recoveryPhase.isEmpty());
    menu->addSeparator();
    QAction *history = menu->addAction(tr("Power history…"), this, [this, stack] {
        StackHistoryDialog dialog(stack, m_session, m_powerHistory, this);
        dialog.exec();
    });
    history->setObjectName(u"powerHistory"_s);
    history->setEnabled(connected);
    return menu;
}

QStringList MainWindow::selectedNodes() const
{
    QStringList macs;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows)
        macs.append(row.data(NodeTableModel::MacRole).toString());
    return macs;
}

QMenu *MainWindow::nodeMenu(const QStringList &macs, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    const NodeView *first = m_state->node(macs.first());
    const QString who = macs.size() == 1 ? (first ? first->label() : macs.first())
                                         : tr("%n Pis", nullptr, int(macs.size()));
    menu->setTitle(who);
    menu->addSection(who);
    const bool connected = m_session->status() == RackSession::Status::Connected;
    using NodeAction = NodeActions::Action;
    // The node actions a person may ask for; a ping is the agent's liveness check, and a command to
    // run is asked for in a dialog of its own (below).
    for (NodeAction action : Protocol::all<NodeAction>()) {
        if (!Protocol::isExecAction(action) || action == NodeAction::Ping || action == NodeAction::Run)
            continue;
        QAction *item = menu->addAction(
            NodeActions::actionLabel(action) + (action == NodeAction::Identify ? QString() : u"…"_s), this,
            [this, action, macs] { m_nodeActions->request(action, macs); });
        item->setEnabled(connected);
        item->setObjectName(NodeActions::actionName(action));
    }
    QAction *run = menu->addAction(tr("Run a command…"), this, [this, macs] { askForCommand(macs); });
    run->setEnabled(connected);
    run->setObjectName(u"run"_s);
    if (macs.size() == 1) {
        const QString mac = macs.first();
        const bool inMaintenance = first && !first->maintenance.isEmpty();
        QAction *maintenance = menu->addAction(inMaintenance ? tr("End maintenance") : tr("Maintenance…"),
            this, [this, mac, who, inMaintenance] {
                if (inMaintenance) {
                    m_recoveryActions->setNodeMaintenance(mac, false);
                    return;
                }
                const std::optional<QString> reason = m_askReason(tr("%1 in maintenance").arg(who),
                    tr("No recovery and no alerts for %1, and its stack is not power-cycled while it lasts. "
                       "Why (shown to everyone)?")
                        .arg(who));
                if (reason)
                    m_recoveryActions->setNodeMaintenance(mac, true, *reason);
            });
        maintenance->setObjectName(u"maintenance"_s);
        maintenance->setEnabled(connected);
    }
    menu->addSeparator();
    QAction *details = menu->addAction(tr("Details"), this, [this, macs] { showDetails(macs.first()); });
    details->setObjectName(u"details"_s);
    return menu;
}

void MainWindow::showDetails(const QString &mac)
{
    m_details->setNode(mac);
    m_detailsDock->show();
    m_detailsDock->raise();
}

void MainWindow::askForCommand(const QStringList &macs)
{
    QSettings settings;
    QStringList recent = settings.value(u"recentCommands"_s).toStringList();
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Run a command on %n Pi(s)", nullptr, int(macs.size())));
    auto *command = new QComboBox;
    command->setEditable(true);
    command->addItems(recent);
    auto *arguments = new QLineEdit;
    arguments->setPlaceholderText(
        tr("arguments, as on a shell line (quotes group words); never run by a shell"));
    auto *form = new QFormLayout(&dialog);
    auto *hint
        = new QLabel(tr("Only the commands named in the Pis' agent.conf ([command NAME]) can be run."));
    hint->setWordWrap(true);
    form->addRow(hint);
    form->addRow(tr("Command name:"), command);
    form->addRow(tr("Arguments:"), arguments);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Run"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted || command->currentText().trimmed().isEmpty())
        return;
    const QString name = command->currentText().trimmed();
    recent.removeAll(name);
    recent.prepend(name);
    settings.setValue(u"recentCommands"_s, recent.mid(0, 10));
    runCommand(macs, name, QProcess::splitCommand(arguments->text()));
}

void MainWindow::runCommand(const QStringList &macs, const QString &command, const QStringList &arguments)
{
    if (m_nodeActions->request(NodeActions::Action::Run, macs, command, arguments))
        logLine(tr("Running \"%1\" on %n Pi(s)…", nullptr, int(macs.size())).arg(command));
}

void MainWindow::showResults(
    NodeActions::Action action, const QList<NodeActionResult> &results, const QString &error)
{
    const QString label = NodeActions::actionLabel(action);
    if (!error.isEmpty()) {
        logLine(tr("%1: %2").arg(label, error), true);
        statusBar()->showMessage(tr("%1: %2").arg(label, error), 10000);
        return;
    }
    const auto okCount
        = std::count_if(results.cbegin(), results.cend(), [](const NodeActionResult &r) { return r.isOk(); });
    const QString line = tr("%1: %2 of %3 ok").arg(label).arg(okCount).arg(results.size());
    logLine(line);
    statusBar()->showMessage(line, 10000);
    for (const NodeActionResult &result : results) {
        if (!result.isOk())
            logLine(tr("  %1: %2 %3").arg(result.label(), result.outcome, result.error), true);
    }
    if (action != NodeActions::Action::Run)
        return;
    // The output of a command is the point of running it: it gets its own window.
    if (!m_output) {
        m_output = new QPlainTextEdit;
        m_output->setAttribute(Qt::WA_DeleteOnClose);
        m_output->setWindowFlag(Qt::Window);
        m_output->setParent(this, Qt::Window);
        m_output->setReadOnly(true);
        m_output->setWindowTitle(tr("Command output"));
        m_output->resize(700, 500);
        m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    }
    QString text;
    for (const NodeActionResult &result : results) {
        text += u"== %1 (%2)"_s.arg(result.label(), result.outcome);
        if (result.exitCode)
            text += tr(", exit code %1").arg(*result.exitCode);
        if (!result.error.isEmpty())
            text += u": "_s + result.error;
        text += u" ==\n"_s + result.standardOutput;
        if (!result.standardError.isEmpty())
            text += tr("-- stderr --\n") + result.standardError;
        if (result.truncated)
            text += tr("(output truncated)\n");
        text += u'\n';
    }
    m_output->setPlainText(text);
    m_output->show();
    m_output->raise();
}

void MainWindow::setRackName(const QString &name)
{
    setWindowTitle(name.isEmpty() ? tr("PiRack") : tr("%1 — PiRack").arg(name));
    m_powerHistory->clear(); // another rack's stack 3 is another stack
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

void MainWindow::showInstall(const QJsonObject &announced)
{
    const std::optional<InstallRecord> record = InstallJson::read(announced);
    const bool active = InstallJson::isActive(record);
    m_installLabel->setVisible(active);
    if (!active)
        return;
    const int stack = InstallJson::currentStack(*record);
    m_installLabel->setText(record->outcome == InstallJson::Outcome::WaitingForDecision
            ? tr("Install: stack %1 waits for you").arg(stack)
            : stack != 0 ? tr("Install: stack %1").arg(stack)
                         : tr("Install: %1").arg(InstallRecord::stepName(record->step)));
    // An install is running (started here, elsewhere, or before the app was closed): show where it is, once.
    const QString id = record->id;
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
        if (const std::optional<Protocol::Welcome> welcome = m_session->client()->welcome())
            m_events->setMyName(welcome->tokenName);
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

void MainWindow::logLine(const QString &line, bool problem)
{
    m_events->addLine(line, problem ? EventWording::Severity::Warning : EventWording::Severity::Info);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(u"mainWindow/geometry"_s, saveGeometry());
    settings.setValue(u"mainWindow/state"_s, saveState());
    QMainWindow::closeEvent(event);
}
