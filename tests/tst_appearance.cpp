// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// How pirack looks in a dark palette and at 2x scale (CTest runs this twice, the second time with
// QT_SCALE_FACTOR=2): every state keeps its word, every text PiRack paints itself has a contrast of
// at least 4.5:1 on what it is painted on, nothing of the rack is elided at the window's usual size,
// and the pictures go to the screenshot folder for a person to look at.
#include "app/mainwindow.h"
#include "rackdfixture.h"
#include "screenshots.h"
#include "sessiontesthelpers.h"
#include "view/rackview.h"

#include <QJsonArray>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

QPalette darkPalette()
{
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x33, 0x33, 0x33));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb4));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(0xa8, 0xa8, 0xa8));
    dark.setColor(QPalette::Mid, QColor(0x5a, 0x5a, 0x5a));
    dark.setColor(QPalette::ToolTipBase, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ToolTipText, QColor(0xe8, 0xe8, 0xe8));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        dark.setColor(QPalette::Disabled, role, QColor(0x80, 0x80, 0x80));
    return dark;
}

} // namespace

class TestAppearance : public QObject
{
    Q_OBJECT

    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;

    static QString suffix() { return qEnvironmentVariable("QT_SCALE_FACTOR") == u"2" ? u"-2x"_s : QString(); }

    // Stacks 1 and 2 up and warm, one Pi of stack 3 down and one lost: every state and word at once.
    static QJsonObject nodes()
    {
        QJsonArray list;
        for (int stack = 1; stack <= 3; ++stack) {
            for (int slot = 1; slot <= 2; ++slot) {
                const bool down = stack == 3 && slot == 2;
                list.append(QJsonObject {{u"mac"_s,
                                             u"dc:a6:32:00:%1:%2"_s.arg(stack, 2, 10, QLatin1Char('0'))
                                                 .arg(slot, 2, 10, QLatin1Char('0'))},
                    {u"name"_s, u"s%1-n%2"_s.arg(stack).arg(slot)}, {u"stack"_s, stack}, {u"slot"_s, slot},
                    {u"state"_s, down ? u"down"_s : u"up"_s},
                    {u"condition"_s, stack == 3 && slot == 1 ? u"unhealthy"_s : u"ok"_s},
                    {u"metrics"_s,
                        QJsonObject {{u"cpu_percent"_s, 7.0 * stack + slot},
                            {u"temperature_c"_s, 38.0 + 12.0 * stack + slot}}}});
            }
        }
        return {{u"nodes"_s, list}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
    }
    void cleanupTestCase() { m_daemon.reset(); }

    void whatPiRackPaintsIsReadableOnWhatItIsPaintedOn()
    {
        for (StackState state : {StackState::Ok, StackState::Warning, StackState::Ko, StackState::Off}) {
            const QColor badge = RackView::stateColor(state);
            QVERIFY2(RackView::contrastRatio(RackView::textColorOn(badge), badge) >= 4.5,
                qPrintable(stackStateName(state)));
        }
        for (const QString &node : {u"up"_s, u"down"_s, u"unknown"_s}) {
            const QColor tile = RackView::nodeColor(node);
            QVERIFY2(RackView::contrastRatio(RackView::textColorOn(tile), tile) >= 4.5, qPrintable(node));
        }
        for (double celsius : {40.0, 55.0, 65.0, 75.0, 85.0, qQNaN()}) {
            const QColor tile = RackView::temperatureColor(celsius);
            QVERIFY2(RackView::contrastRatio(RackView::textColorOn(tile), tile) >= 4.5,
                qPrintable(QString::number(celsius)));
        }
        const QPalette dark = darkPalette();
        QVERIFY(RackView::contrastRatio(dark.color(QPalette::Text), dark.color(QPalette::Base)) >= 4.5);
        QVERIFY(RackView::contrastRatio(dark.color(QPalette::PlaceholderText), dark.color(QPalette::Base))
            >= 4.5);
    }

    void theWindowInLightAndDark_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }
    void theWindowInLightAndDark()
    {
        QFETCH(bool, dark);
        QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
        RackState state;
        RackSession session(&state);
        MainWindow window(
            &session, &state, [](const QString &, const QString &, const QStringList &) { return false; });
        window.resize(1400, 850);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        session.open(
            {u"127.0.0.1"_s, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint(), u"test"_s});
        QVERIFY(waitForSessionStatus(session, RackSession::Status::Connected));
        for (int stack = 1; stack <= 3; ++stack)
            state.applyEvent({u"relay.changed"_s, {{u"stack"_s, stack}, {u"relay"_s, u"on"_s}}});
        QString error;
        QVERIFY2(state.applyNodes(nodes(), &error), qPrintable(error));
        QCOMPARE(state.stack(3)->state(), StackState::Warning);
        window.rackView()->setSelectedStack(2);
        // The window's own widgets take the palette; every state keeps its word next to its colour.
        QCOMPARE(window.rackView()->palette().color(QPalette::Base),
            QApplication::palette().color(QPalette::Base));
        QVERIFY(!window.rackView()->grab().isNull());
        QCOMPARE(window.rackView()->elidedLines(), QStringList()); // nothing of the rack cut at this size
        saveScreenshot(&window, (dark ? u"main-window-dark"_s : u"main-window-light"_s) + suffix());
        window.temperatureViewAction()->trigger();
        QCOMPARE(window.rackView()->elidedLines(), QStringList());
        if (dark)
            saveScreenshot(window.rackView(), u"rack-temperatures-dark"_s + suffix());
        session.close();
    }
};

QTEST_MAIN(TestAppearance)
#include "tst_appearance.moc"
