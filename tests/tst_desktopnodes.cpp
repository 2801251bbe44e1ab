// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The main window's per-Pi side against a running virtual rack (loopback mode: real rackd and
// agents): the details pane with its history charts, the per-Pi menu, actions on several selected
// Pis, a named command's output, and a reboot that asks first.
#include "app/mainwindow.h"
#include "screenshots.h"
#include "sessiontesthelpers.h"
#include "view/sparkchart.h"
#include "virtualrackharness.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using NodeAction = NodeActions::Action;

class TestDesktopNodes : public QObject
{
    Q_OBJECT

    std::unique_ptr<VirtualRackHarness> m_harness;
    QList<QStringList> m_questions; ///< The Pis named by each confirmation asked.
    bool m_answer = false;

    /// Waits, with a deadline, until `condition` holds; re-checked whenever the rack state changes.
    static bool waitUntil(const std::function<bool()> &condition, int timeoutMs, RackState *state)
    {
        return waitUntilSignalled(condition, timeoutMs, [state](QEventLoop *loop) {
            QObject::connect(state, &RackState::nodesChanged, loop, &QEventLoop::quit, Qt::QueuedConnection);
            QObject::connect(state, &RackState::stackChanged, loop, &QEventLoop::quit, Qt::QueuedConnection);
            QObject::connect(state, &RackState::reset, loop, &QEventLoop::quit, Qt::QueuedConnection);
        });
    }

    static int rowOf(const QTableView *table, const QString &mac)
    {
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            if (table->model()->index(row, 0).data(NodeTableModel::MacRole).toString() == mac)
                return row;
        }
        return -1;
    }

private Q_SLOTS:
    void cleanup()
    {
        const QStringList left = VirtualRackHarness::finish(m_harness);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    }

    void detailsMenusAndActionsOnRunningPis()
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.mode = VirtualRackOptions::Mode::Loopback;
        m_harness = std::make_unique<VirtualRackHarness>();
        QString error;
        QVERIFY2(m_harness->start(options, &error, installVirtualRackFile()), qPrintable(error));
        VirtualRack *rack = m_harness->rack.get();
        QVERIFY(m_harness->powerOk(u"on"_s, QJsonArray {1, 2, 3}));

        RackState state;
        RackSession session(&state);
        MainWindow window(
            &session, &state, [this](const QString &, const QString &, const QStringList &details) {
                m_questions.append(details);
                return m_answer;
            });
        window.resize(1400, 850);
        window.show();
        session.open({u"127.0.0.1"_s, rack->port(), rack->adminToken(), rack->fingerprint(), u"test"_s});
        const auto upIn = [&state](int stack) {
            int up = 0;
            for (const NodeView &node : state.nodesOfStack(stack))
                up += node.isUp() ? 1 : 0;
            return up;
        };
        QVERIFY(waitUntil([&] { return upIn(1) == 3 && upIn(2) == 3 && upIn(3) == 3; }, 60000, &state));

        // Pis that joined after the window loaded the rack are listed with their address and identity.
        // The window may have listed one while it was joining (identity, no slot, no address): its
        // address comes once it is placed and up, so both are waited for.
        const QString s3n3 = rack->pi(PiPlace {3, 3})->spec().nic.mac;
        QVERIFY2(waitUntil(
                     [&] {
                         const NodeView *node = state.node(s3n3);
                         return node && !node->identity.value(u"model"_s).toString().isEmpty()
                             && node->address == u"10.78.0.19";
                     },
                     10000, &state),
            qPrintable(u"s3-n3 is listed with address \"%1\""_s.arg(
                state.node(s3n3) ? state.node(s3n3)->address : QString())));

        // The details pane: who, where, what it is, and a CPU and temperature history that grows.
        const QString s1n1 = rack->pi(PiPlace {1, 1})->spec().nic.mac;
        const QString s1n2 = rack->pi(PiPlace {1, 2})->spec().nic.mac;
        QTableView *table = window.nodeTable();
        table->setCurrentIndex(table->model()->index(rowOf(table, s1n1), 0));
        NodeDetailsPane *details = window.detailsPane();
        QCOMPARE(details->node(), s1n1);
        QCOMPARE(details->field(u"MAC"_s), s1n1);
        QCOMPARE(details->field(u"Name"_s), u"s1-n1"_s);
        QCOMPARE(details->field(u"Address"_s), u"10.78.0.11"_s);
        QCOMPARE(details->field(u"Place"_s), u"stack 1, slot 1"_s);
        QCOMPARE(details->field(u"Model"_s), u"Raspberry Pi 4 Model B Rev 1.5"_s);
        // What a node says about itself is shown as text, never rendered as HTML.
        for (const QString &name : {u"Model"_s, u"Serial"_s, u"Name"_s, u"MAC"_s})
            QCOMPARE(details->fieldFormat(name), Qt::PlainText);
        QVERIFY(waitUntil([&] { return details->cpuChart()->values().size() >= 3; }, 20000, &state));
        QVERIFY2(!details->field(u"Uptime"_s).isEmpty() && details->field(u"Uptime"_s) != u"unknown"_s,
            qPrintable(details->field(u"Uptime"_s)));
        QCOMPARE(details->temperatureChart()->values().size(), details->cpuChart()->values().size());

        // Two Pis selected: the menu names them and acts on both.
        table->selectionModel()->clearSelection();
        for (const QString &mac : {s1n1, s1n2})
            table->selectionModel()->select(table->model()->index(rowOf(table, mac), 0),
                QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(window.selectedNodes(), (QStringList {s1n1, s1n2}));
        std::unique_ptr<QMenu> menu(window.nodeMenu(window.selectedNodes(), &window));
        QCOMPARE(menu->title(), u"2 Pis"_s);
        QStringList items;
        for (QAction *action : menu->actions()) {
            if (!action->objectName().isEmpty())
                items.append(action->objectName());
        }
        QCOMPARE(items, (QStringList {u"identify"_s, u"reboot"_s, u"shutdown"_s, u"run"_s, u"details"_s}));
        saveScreenshot(&window, u"main-window"_s);
        // The rack-wide temperature view: the same tiles coloured by temperature, a legend of bands.
        window.temperatureViewAction()->trigger();
        QVERIFY(window.rackView()->temperatureView());
        QCOMPARE(RackView::temperatureColor(82.0), RackView::temperatureColor(90.0));
        QVERIFY(RackView::temperatureColor(45.0) != RackView::temperatureColor(82.0));
        saveScreenshot(&window, u"main-window-temperatures"_s);
        window.temperatureViewAction()->trigger();
        QVERIFY(!window.rackView()->temperatureView());
        // A stack's menu holds its power actions, enabled once it is selected.
        std::unique_ptr<QMenu> stackMenu(window.stackMenu(2, &window));
        QCOMPARE(window.rackView()->selectedStack(), 2);
        QVERIFY(window.stackAction(PowerActions::Action::Cycle)->isEnabled());
        QVERIFY(stackMenu->actions().contains(window.stackAction(PowerActions::Action::GracefulOff)));
        stackMenu->popup(window.mapToGlobal(QPoint(700, 200)));
        saveScreenshot(stackMenu.get(), u"stack-menu"_s);
        stackMenu->hide();
        menu->popup(window.mapToGlobal(QPoint(500, 300)));
        saveScreenshot(menu.get(), u"node-menu"_s);
        menu->hide();

        QSignalSpy finished(window.nodeActions(), &NodeActions::finished);
        menu->findChild<QAction *>(u"identify"_s)->trigger();
        QVERIFY(finished.wait(20000));
        auto results = finished.takeFirst().at(1).value<QList<NodeActionResult>>();
        QCOMPARE(results.size(), 2);
        QVERIFY(results.at(0).isOk() && results.at(1).isOk());

        // A named command: its output, node by node, in a window of its own.
        window.runCommand(window.selectedNodes(), u"uptime"_s, {});
        QVERIFY(finished.wait(20000));
        results = finished.takeFirst().at(1).value<QList<NodeActionResult>>();
        QCOMPARE(results.size(), 2);
        QVERIFY(window.outputWindow());
        const QString output = window.outputWindow()->toPlainText();
        QVERIFY2(output.contains(u"== s1-n1 (ok), exit code 0 =="_s) && output.contains(u"== s1-n2 (ok)"_s),
            qPrintable(output));
        QVERIFY2(output.contains(u"load average"_s), qPrintable(output));
        saveScreenshot(window.outputWindow(), u"command-output"_s);
        // A name the agents do not know is refused by each of them, and said so.
        window.runCommand({s1n1}, u"no-such-command"_s, {});
        QVERIFY(finished.wait(20000));
        results = finished.takeFirst().at(1).value<QList<NodeActionResult>>();
        QCOMPARE(results.size(), 1);
        QCOMPARE(results.at(0).outcome, u"failed"_s);
        QVERIFY(window.outputWindow()->toPlainText().contains(u"== s1-n1 (failed)"_s));

        // A reboot asks first, naming the Pi; declined, nothing happens.
        m_answer = false;
        QVERIFY(!window.nodeActions()->request(NodeAction::Reboot, {s1n2}));
        QCOMPARE(m_questions.size(), 1);
        QCOMPARE(m_questions.at(0), QStringList {u"s1-n2"_s});
        QVERIFY(!finished.wait(1000));
        // Accepted: the Pi goes down and comes back.
        m_answer = true;
        QVERIFY(window.nodeActions()->request(NodeAction::Reboot, {s1n2}));
        QVERIFY(finished.wait(20000));
        QVERIFY(waitUntil([&] { return !state.node(s1n2)->isUp(); }, 20000, &state));
        QVERIFY(waitUntil([&] { return state.node(s1n2)->isUp(); }, 60000, &state));

        // The details pane, shown for the README.
        window.showDetails(s1n1);
        saveScreenshot(details, u"details-pane"_s);
    }
};

QTEST_MAIN(TestDesktopNodes)
#include "tst_desktopnodes.moc"
