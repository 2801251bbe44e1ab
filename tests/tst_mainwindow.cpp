// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// pirack's main window against a real rackd on loopback (simulated relays), offscreen: the power
// buttons switch relays, a cut of running Pis asks first and names them, the banner follows the
// connection.
#include "app/mainwindow.h"
#include "app/stackhistorydialog.h"
#include "rackdfixture.h"
#include "screenshots.h"
#include "sessiontesthelpers.h"

#include <QAction>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Status = RackSession::Status;
using Action = PowerActions::Action;

class TestMainWindow : public QObject
{
    Q_OBJECT

    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;
    struct Question
    {
        QString title;
        QString text;
        QStringList details;
    };
    QList<Question> m_questions;
    bool m_answer = false;

    bool startRackd()
    {
        QString error;
        m_daemon = m_fixture.start(&error);
        if (!m_daemon)
            qWarning().noquote() << error;
        return m_daemon != nullptr;
    }

    static bool waitForStatus(RackSession &session, Status status, int timeoutMs = 20000)
    {
        return waitForSessionStatus(session, status, timeoutMs);
    }

    bool waitForRelay(int stack, bool on)
    {
        SimulatedRelayBank *bank = simulatedBank(*m_daemon);
        QSignalSpy spy(bank, &RelayBank::channelStateChanged);
        QElapsedTimer clock;
        clock.start();
        while (bank->state(stack) != on && clock.elapsed() < 10000)
            spy.wait(500);
        return bank->state(stack) == on;
    }

    RackClient::Options rackOptions() const
    {
        return {u"127.0.0.1"_s, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint(), u"test"_s};
    }

    PowerActions::Confirm confirm()
    {
        return [this](const QString &title, const QString &text, const QStringList &details) {
            m_questions.append({title, text, details});
            return m_answer;
        };
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_fixture.chooseFreePort());
        m_fixture.httpPort = 0; // no HTTPS listener, unless a test asks for one
        m_fixture.forgetState();
        QVERIFY(m_fixture.prepare());
        QVERIFY(startRackd());
        m_questions.clear();
    }
    void cleanup() { m_daemon.reset(); }

    void powerButtonsSwitchTheSelectedStack()
    {
        RackState state;
        RackSession session(&state);
        MainWindow window(&session, &state, confirm());
        window.resize(1200, 800);
        window.show();
        QVERIFY(!window.stackAction(Action::On)->isEnabled()); // not connected, nothing selected
        session.open(rackOptions());
        QVERIFY(waitForStatus(session, Status::Connected));
        QVERIFY(window.banner()->isHidden());
        QVERIFY(!window.stackAction(Action::On)->isEnabled()); // nothing selected yet

        window.rackView()->setSelectedStack(1);
        QVERIFY(window.stackAction(Action::On)->isEnabled());
        window.stackAction(Action::On)->trigger();
        QVERIFY(waitForRelay(1, true));
        QCOMPARE(m_questions.size(), 0); // switching on cuts nothing

        // Two of stack 1's Pis are up (as the agents would report): cutting them asks, naming them.
        state.applyEvent({u"node.up"_s,
            {{u"mac"_s, u"dc:a6:32:00:00:01"_s}, {u"name"_s, u"s1-n1"_s}, {u"stack"_s, 1}, {u"slot"_s, 1}}});
        state.applyEvent({u"node.up"_s,
            {{u"mac"_s, u"dc:a6:32:00:00:02"_s}, {u"name"_s, u"s1-n2"_s}, {u"stack"_s, 1}, {u"slot"_s, 2}}});
        m_answer = false;
        window.stackAction(Action::Off)->trigger();
        QCOMPARE(m_questions.size(), 1);
        QCOMPARE(m_questions.at(0).details, (QStringList {u"s1-n1"_s, u"s1-n2"_s}));
        QVERIFY2(m_questions.at(0).text.contains(u"2 Pi(s) are up"_s), qPrintable(m_questions.at(0).text));
        QVERIFY(!waitForRelayChangeWithin(1, 1000)); // declined: nothing was sent
        m_answer = true;
        window.stackAction(Action::Off)->trigger();
        QCOMPARE(m_questions.size(), 2);
        QVERIFY(waitForRelay(1, false));
        // The window learns it from rackd's event.
        QSignalSpy stackChanged(&state, &RackState::stackChanged);
        QElapsedTimer clock;
        clock.start();
        while (state.stack(1)->relay != false && clock.elapsed() < 10000)
            stackChanged.wait(500);
        QCOMPARE(state.stack(1)->relay, std::optional<bool>(false));

        // The audit pane shows what was done, newest first, by whom.
        QSignalSpy auditLoaded(window.auditPane(), &AuditPane::loaded);
        window.auditPane()->reload();
        QVERIFY(auditLoaded.wait(10000));
        QTableWidget *audit = window.auditPane()->table();
        QVERIFY(audit->rowCount() >= 2);
        QCOMPARE(audit->item(0, 3)->text(), u"power off"_s);
        QCOMPARE(audit->item(0, 4)->text(), u"1"_s);
        QCOMPARE(audit->item(0, 5)->text(), u"ok"_s);
        QCOMPARE(audit->item(0, 1)->text(), u"admin"_s);

        // The stack's power history: the switches seen live, by whom, and rackd's audit behind them.
        StackHistoryDialog history(1, &session, window.powerHistory(), &window);
        QSignalSpy historyLoaded(&history, &StackHistoryDialog::loaded);
        QVERIFY(historyLoaded.wait(10000));
        QTableWidget *rows = history.table();
        QVERIFY2(rows->rowCount() >= 2, qPrintable(history.note()));
        QCOMPARE(rows->item(0, 1)->text(), u"switched off"_s);
        QCOMPARE(rows->item(0, 2)->text(), u"admin"_s);
        QCOMPARE(rows->item(1, 1)->text(), u"switched on"_s);
        QVERIFY2(history.note().contains(u"audit log"_s), qPrintable(history.note()));
        history.show();
        saveScreenshot(&history, u"power-history"_s);

        // The search box filters the node table.
        window.searchBox()->setText(u"s1-n2"_s);
        QCOMPARE(window.nodeTable()->model()->rowCount(), 1);

        if (qEnvironmentVariableIsSet("PIRACK_TEST_SCREENSHOT"))
            window.grab().save(qEnvironmentVariable("PIRACK_TEST_SCREENSHOT"));
    }

    void maintenanceFromTheStackMenuIsSentAndShown()
    {
        RackState state;
        RackSession session(&state);
        MainWindow window(&session, &state, confirm());
        QStringList asked;
        window.setReasonPrompt([&asked](const QString &title, const QString &) -> std::optional<QString> {
            asked.append(title);
            return u"dusting the fans"_s;
        });
        window.resize(1200, 800);
        window.show();
        session.open(rackOptions());
        QVERIFY(waitForStatus(session, Status::Connected));
        const auto menuAction = [&](int stack, const QString &name) -> QAction * {
            std::unique_ptr<QMenu> menu(window.stackMenu(stack, &window));
            for (QAction *action : menu->actions()) {
                if (action->objectName() == name) {
                    action->setParent(&window); // outlives the menu
                    return action;
                }
            }
            return nullptr;
        };
        QAction *maintenance = menuAction(2, u"maintenance"_s);
        QVERIFY(maintenance);
        QCOMPARE(maintenance->text(), u"Maintenance…"_s);
        // Nothing to stop: the menu item and the bar's button say so by being off.
        QAction *stop = menuAction(2, u"stopRecovery"_s);
        QVERIFY(stop && !stop->isEnabled());
        QVERIFY(!window.stopRecoveryAction()->isEnabled());
        maintenance->trigger();
        QCOMPARE(asked, QStringList {u"Stack 2 in maintenance"_s});
        // rackd saves it, says so in a recovery.maintenance event, and the rack view shows it.
        QTRY_COMPARE_WITH_TIMEOUT(
            state.stack(2) ? state.stack(2)->maintenance : QString(), u"dusting the fans"_s, 10000);
        QCOMPARE(window.rackView()->bannerText(*state.stack(2)), u"MAINTENANCE: dusting the fans"_s);
        QVERIFY(window.rackView()->bannerText(*state.stack(1)).isEmpty());
        QVERIFY(m_daemon->recovery()->stackJson(2).contains(u"maintenance"_s));
        QAction *end = menuAction(2, u"maintenance"_s);
        QVERIFY(end);
        QCOMPARE(end->text(), u"End maintenance"_s);
        end->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(state.stack(2) && state.stack(2)->maintenance.isEmpty(), 10000);
        QVERIFY(!m_daemon->recovery()->stackJson(2).contains(u"maintenance"_s));
        QCOMPARE(asked.size(), 1); // ending it asks nothing
    }

    void rackDetailsGiveTheRedfishAndPrometheusUrls()
    {
        m_daemon.reset();
        QVERIFY(m_fixture.chooseFreeHttpPort());
        QVERIFY(m_fixture.prepare());
        QVERIFY(startRackd());
        RackState state;
        RackSession session(&state);
        MainWindow window(&session, &state, confirm());
        QCOMPARE(window.rackDetails(), u"Not connected to a rack."_s);
        session.open(rackOptions());
        QVERIFY(waitForStatus(session, Status::Connected));
        const QString details = window.rackDetails();
        QVERIFY2(
            details.contains(u"Prometheus metrics: https://127.0.0.1:%1/metrics"_s.arg(m_fixture.httpPort)),
            qPrintable(details));
        QVERIFY2(details.contains(u"Redfish: https://127.0.0.1:%1/redfish/v1 "_s.arg(m_fixture.httpPort)),
            qPrintable(details));
        QVERIFY2(details.contains(m_daemon->fingerprint()), qPrintable(details));
        QVERIFY(window.rackDetailsAction()->isEnabled());
    }

    void withoutTheListenerTheDetailsSaySo()
    {
        RackState state;
        RackSession session(&state);
        MainWindow window(&session, &state, confirm());
        session.open(rackOptions());
        QVERIFY(waitForStatus(session, Status::Connected));
        QVERIFY2(window.rackDetails().contains(u"Redfish and Prometheus metrics: off"_s),
            qPrintable(window.rackDetails()));
    }

    void theBannerFollowsTheConnection()
    {
        RackState state;
        RackSession session(&state);
        session.setMaximumRetryDelay(std::chrono::milliseconds(1000));
        MainWindow window(&session, &state, confirm());
        window.show();
        session.open(rackOptions());
        QVERIFY(waitForStatus(session, Status::Connected));
        QVERIFY(window.banner()->isHidden());
        m_daemon.reset();
        QVERIFY(waitForStatus(session, Status::Reconnecting));
        QVERIFY(window.banner()->isVisible());
        QVERIFY2(window.banner()->text().startsWith(u"Not connected: connection lost"_s),
            qPrintable(window.banner()->text()));
        QVERIFY(!window.stackAction(Action::On)->isEnabled());
        QVERIFY(startRackd());
        QVERIFY(waitForStatus(session, Status::Connected, 30000));
        QVERIFY(window.banner()->isHidden());
    }

    void anInstallRunningElsewhereOpensTheWizardAtItsStep()
    {
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        RackState state;
        RackSession session(&state);
        MainWindow window(&session, &state, confirm());
        window.show();
        session.open(rackOptions());
        QVERIFY(waitForStatus(session, Status::Connected));
        QVERIFY(!window.installWizard()); // no install: nothing opens by itself
        QVERIFY(window.installAction()->isEnabled());

        // Started from rackctl (another client): the window opens the wizard on the stack's page.
        const auto started = call(admin, u"install.start"_s, {{u"stacks"_s, QJsonArray {2}}});
        QVERIFY(started && !started->isError());
        QSignalSpy installChanged(&session, &RackSession::installChanged);
        QElapsedTimer clock;
        clock.start();
        while (!window.installWizard() && clock.elapsed() < 10000)
            installChanged.wait(500);
        InstallWizard *wizard = window.installWizard();
        QVERIFY(wizard);
        QCOMPARE(wizard->stacks(), QList<int> {2});
        QCOMPARE(wizard->currentId(), wizard->stackPageId(2));

        // The app closed and opened again: the new window goes back to the same step.
        wizard->close();
        RackState otherState;
        RackSession otherSession(&otherState);
        MainWindow reopened(&otherSession, &otherState, confirm());
        reopened.show();
        otherSession.open(rackOptions());
        QVERIFY(waitForStatus(otherSession, Status::Connected));
        InstallWizard *again = reopened.installWizard();
        QVERIFY(again);
        QCOMPARE(again->currentId(), again->stackPageId(2));
        QVERIFY(!call(admin, u"install.abort"_s)->isError());
    }

private:
    bool waitForRelayChangeWithin(int stack, int timeoutMs)
    {
        SimulatedRelayBank *bank = simulatedBank(*m_daemon);
        const std::optional<bool> before = bank->state(stack);
        QSignalSpy spy(bank, &RelayBank::channelStateChanged);
        spy.wait(timeoutMs);
        return bank->state(stack) != before;
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
