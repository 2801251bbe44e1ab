// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "install/installwizard.h"
#include "model/metricshistory.h"
#include "model/nodetablemodel.h"
#include "session/nodeactions.h"
#include "session/poweractions.h"
#include "session/racksession.h"
#include "session/recoveryactions.h"
#include "view/auditpane.h"
#include "view/nodedetailspane.h"
#include "view/rackview.h"

#include <QMainWindow>

class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
#include <QPlainTextEdit>
class QTableView;

/**
 * pirack's main window: the rack view in the middle, the node table with its search box beside it,
 * the event log below, the power actions in a toolbar and the stacks' context menus, and a banner
 * whenever the connection is not up. It only shows and forwards: the logic lives in RackSession,
 * RackState and PowerActions.
 */
class EventLogModel;
class PowerHistory;
class EventLogPane;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(
        RackSession *session, RackState *state, PowerActions::Confirm confirm, QWidget *parent = nullptr);
    ~MainWindow() override;

    RackView *rackView() const { return m_rackView; }
    QLabel *banner() const { return m_banner; }
    QAction *stackAction(PowerActions::Action action) const { return m_stackActions.value(int(action)); }
    QLineEdit *searchBox() const { return m_search; }
    QTableView *nodeTable() const { return m_table; }
    PowerActions *powerActions() const { return m_power; }
    /// The install wizard while it is open.
    InstallWizard *installWizard() const { return m_wizard; }
    QAction *installAction() const { return m_installAction; }
    NodeActions *nodeActions() const { return m_nodeActions; }
    RecoveryActions *recoveryActions() const { return m_recoveryActions; }
    QAction *stopRecoveryAction() const { return m_stopRecovery; }
    /// Asks why a stack or Pi goes into maintenance; empty when the operator cancels. A dialog by default.
    using ReasonPrompt = std::function<std::optional<QString>(const QString &title, const QString &label)>;
    void setReasonPrompt(ReasonPrompt prompt) { m_askReason = std::move(prompt); }
    NodeDetailsPane *detailsPane() const { return m_details; }
    AuditPane *auditPane() const { return m_audit; }
    MetricsHistory *metricsHistory() const { return m_history; }
    /// The Pis selected in the node table (their MACs), in table order.
    QStringList selectedNodes() const;
    /// The stack's menu (its power actions); selects the stack.
    QMenu *stackMenu(int stack, QWidget *parent);
    /// The per-Pi menu for these Pis: identify, reboot, shut down, run a command, details.
    QMenu *nodeMenu(const QStringList &macs, QWidget *parent);
    /// Runs a named command on these Pis; the output is shown in a window (outputWindow()).
    void runCommand(const QStringList &macs, const QString &command, const QStringList &arguments);
    QPlainTextEdit *outputWindow() const { return m_output; }
    void showDetails(const QString &mac);
    /// The rack shown, in the title.
    void setRackName(const QString &name);
    QAction *switchRackAction() const { return m_switchRack; }
    /// What "Rack details…" shows: where the rack is, its fingerprint, and its Prometheus URL.
    QString rackDetails() const;
    QAction *rackDetailsAction() const { return m_rackDetails; }
    /// Checked: what needs a person is also sent to the desktop's notifications.
    QAction *notificationsAction() const { return m_notifications; }
    QAction *temperatureViewAction() const { return m_temperatureView; }
    PowerHistory *powerHistory() const { return m_powerHistory; }

    /// Opens the install wizard (or raises it): at the running install's step, or at its start.
    void openInstallWizard();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void showStatus(RackSession::Status status, const QString &message);
    void updateActions();
    /// A line of the app's own in the event log (an answer to what this operator did).
    void logLine(const QString &line, bool problem = false);
    void showInstall(const QJsonObject &record);
    void askForCommand(const QStringList &macs);
    void showResults(
        NodeActions::Action action, const QList<NodeActionResult> &results, const QString &error);

    RackSession *m_session;
    RackState *m_state;
    PowerActions *m_power;
    RackView *m_rackView;
    NodeTableModel *m_nodes;
    NodeFilterModel *m_filter;
    QLabel *m_banner;
    QLabel *m_connectionLabel;
    QLineEdit *m_search;
    QTableView *m_table;
    EventLogModel *m_events;
    EventLogPane *m_eventLog;
    PowerHistory *m_powerHistory;
    MetricsHistory *m_history;
    NodeActions *m_nodeActions;
    RecoveryActions *m_recoveryActions;
    QAction *m_stopRecovery = nullptr;
    ReasonPrompt m_askReason;
    NodeDetailsPane *m_details;
    AuditPane *m_audit;
    QDockWidget *m_detailsDock = nullptr;
    QPointer<QPlainTextEdit> m_output;
    QHash<int, QAction *> m_stackActions;
    QAction *m_allOn = nullptr;
    QAction *m_allGracefulOff = nullptr;
    QAction *m_installAction = nullptr;
    QAction *m_tokens = nullptr;
    QAction *m_notifications = nullptr;
    QAction *m_temperatureView = nullptr;
    QAction *m_rackDetails = nullptr;
    QAction *m_switchRack = nullptr;
    QPointer<InstallWizard> m_wizard;
    QLabel *m_installLabel;
    /// The install the wizard was last opened for by itself: closing it is not undone on the next event.
    QString m_autoOpenedInstall;
};
