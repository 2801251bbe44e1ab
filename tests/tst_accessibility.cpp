// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// pirack without a mouse and through a screen reader: every widget PiRack draws itself has an
// accessible name and description (read through QAccessible, as assistive technology does), the
// rack view and its stack menus work from the keyboard, and Tab reaches every part of the window.
#include "app/connectdialog.h"
#include "app/mainwindow.h"
#include "app/stackhistorydialog.h"
#include "app/tokensdialog.h"
#include "editor/structureeditor.h"
#include "install/installwizard.h"
#include "rackdfixture.h"
#include "sessiontesthelpers.h"
#include "view/rackview.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestAccessibility : public QObject
{
    Q_OBJECT

    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;

    // The widgets PiRack paints or composes itself (Qt's own report their roles and texts already).
    static QStringList unnamed(QWidget *top)
    {
        QStringList missing;
        QList<QWidget *> widgets = top->findChildren<QWidget *>();
        widgets.prepend(top);
        for (QWidget *widget : std::as_const(widgets)) {
            const QString className = QString::fromLatin1(widget->metaObject()->className());
            if (className.startsWith(u'Q') || widget->isWindow())
                continue;
            QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
            if (!accessible || accessible->text(QAccessible::Name).isEmpty()
                || accessible->text(QAccessible::Description).isEmpty())
                missing.append(className + u" "_s + widget->objectName());
        }
        return missing;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
    }
    void cleanupTestCase() { m_daemon.reset(); }

    void everyOwnWidgetHasANameAndADescription()
    {
        RackState state;
        RackSession session(&state);
        MainWindow window(
            &session, &state, [](const QString &, const QString &, const QStringList &) { return false; });
        window.resize(1200, 800);
        window.show();
        session.open(
            {u"127.0.0.1"_s, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint(), u"test"_s});
        QVERIFY(waitForSessionStatus(session, RackSession::Status::Connected));
        QCOMPARE(unnamed(&window).join(u", "_s), QString());
        ConnectDialog connect;
        QCOMPARE(unnamed(&connect).join(u", "_s), QString());
        TokensDialog tokens(&session);
        QCOMPARE(unnamed(&tokens).join(u", "_s), QString());
        StackHistoryDialog history(1, &session, window.powerHistory());
        QCOMPARE(unnamed(&history).join(u", "_s), QString());
        StructureEditor editor;
        QCOMPARE(unnamed(&editor).join(u", "_s), QString());
        InstallWizard wizard(&session, &state);
        QCOMPARE(unnamed(&wizard).join(u", "_s), QString());
        // The wizard moves on from the keyboard: its buttons carry mnemonics, and Enter is Next.
        for (QWizard::WizardButton button : {QWizard::NextButton, QWizard::BackButton})
            QVERIFY2(wizard.button(button)->text().contains(u'&'), qPrintable(wizard.button(button)->text()));
        session.close();
    }

    void theRackIsUsableFromTheKeyboardAndSaysWhereItIs()
    {
        RackState state;
        RackSession session(&state);
        MainWindow window(
            &session, &state, [](const QString &, const QString &, const QStringList &) { return false; });
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        session.open(
            {u"127.0.0.1"_s, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint(), u"test"_s});
        QVERIFY(waitForSessionStatus(session, RackSession::Status::Connected));
        RackView *rack = window.rackView();
        rack->setFocus();
        QVERIFY(rack->hasFocus());
        QTest::keyClick(rack, Qt::Key_Right); // from nothing: the first stack
        QCOMPARE(rack->selectedStack(), 1);
        QTest::keyClick(rack, Qt::Key_Right);
        QCOMPARE(rack->selectedStack(), 2);
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(rack);
        QVERIFY2(accessible->text(QAccessible::Description)
                     .startsWith(u"Stack 2, row 1, column 2: off, relay off, 0 of 2 Pis up"_s),
            qPrintable(accessible->text(QAccessible::Description)));
        // The menu key opens the selected stack's menu, where the stack is drawn (a view of its own:
        // the window would show the menu and wait for a choice).
        RackView alone(&state);
        alone.resize(800, 500);
        alone.setSelectedStack(2);
        QSignalSpy menu(&alone, &RackView::stackMenuRequested);
        QContextMenuEvent key(
            QContextMenuEvent::Keyboard, alone.rect().center(), alone.mapToGlobal(alone.rect().center()));
        QApplication::sendEvent(&alone, &key);
        QCOMPARE(menu.size(), 1);
        QCOMPARE(menu.at(0).at(0).toInt(), 2);
        QVERIFY(alone.stackRect(2).contains(alone.mapFromGlobal(menu.at(0).at(1).toPoint())));
        // The stack's power actions have shortcuts of their own.
        QVERIFY(!window.stackAction(PowerActions::Action::On)->shortcut().isEmpty());

        // Tab goes round every part of the window that takes the keyboard.
        QStringList reached;
        QWidget *widget = rack;
        for (int step = 0; step < 200; ++step) {
            widget = widget->nextInFocusChain();
            if (widget == rack)
                break;
            if (widget->isVisible() && widget->isEnabled() && (widget->focusPolicy() & Qt::TabFocus))
                reached.append(widget->accessibleName().isEmpty()
                        ? QString::fromLatin1(widget->metaObject()->className())
                        : widget->accessibleName());
        }
        for (const QString &part : {u"Search nodes"_s, u"Show events"_s, u"Event log"_s})
            QVERIFY2(reached.contains(part), qPrintable(reached.join(u", "_s)));
        QVERIFY2(reached.contains(u"QTableView"_s) || reached.contains(u"Nodes"_s),
            qPrintable(reached.join(u", "_s)));
        session.close();
    }
};

QTEST_MAIN(TestAccessibility)
#include "tst_accessibility.moc"
