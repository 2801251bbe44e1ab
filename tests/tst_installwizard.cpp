// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The install wizard walks a fresh 2-stack virtual rack (loopback mode: real rackd, agents and DHCP
// script) to the end, with one dead Pi so that stack 2 needs the operator's decision; a second
// wizard opened in the middle starts at the current step.
#include "install/installjson.h"
#include "install/installwizard.h"
#include "install/resultpages.h"
#include "install/setuppages.h"
#include "install/stackpage.h"
#include "screenshots.h"
#include "sessiontesthelpers.h"
#include "virtualrackharness.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestInstallWizard : public QObject
{
    Q_OBJECT

    std::unique_ptr<VirtualRackHarness> m_harness;

    using Wakeup = std::function<void(QEventLoop *)>;

    /// Wakes waitUntil() when `sender` emits `signal` (a typed connection, checked when it compiles).
    template<typename Sender, typename Signal>
    static Wakeup on(Sender *sender, Signal signal)
    {
        return [sender, signal](QEventLoop *loop) {
            QObject::connect(sender, signal, loop, &QEventLoop::quit, Qt::QueuedConnection);
        };
    }

    /// Waits, with a deadline, until `condition` holds; re-checked on whatever the wizard hears.
    static bool waitUntil(const std::function<bool()> &condition, int timeoutMs, RackSession *session,
        const QList<Wakeup> &more = {})
    {
        return waitUntilSignalled(condition, timeoutMs, [session, &more](QEventLoop *loop) {
            QObject::connect(
                session, &RackSession::eventReceived, loop, &QEventLoop::quit, Qt::QueuedConnection);
            QObject::connect(
                session, &RackSession::statusChanged, loop, &QEventLoop::quit, Qt::QueuedConnection);
            for (const Wakeup &wakeup : more)
                wakeup(loop);
        });
    }

private Q_SLOTS:
    void cleanup()
    {
        const QStringList left = VirtualRackHarness::finish(m_harness);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    }

    void theWizardWalksATwoStackRackToTheEnd()
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.mode = VirtualRackOptions::Mode::Loopback;
        options.installed = false;
        options.deadPis = {{2, 3}};
        // Verification waits for the 5 Pis placed, never for the dead one's empty slot: long before this.
        options.rackdConfigLines = {u"install_settle_time = 0.5"_s, u"install_verify_timeout = 600"_s};
        m_harness = std::make_unique<VirtualRackHarness>();
        QString error;
        QVERIFY2(m_harness->start(options, &error), qPrintable(error));

        RackState state;
        RackSession session(&state);
        session.open({u"127.0.0.1"_s, m_harness->rack->port(), m_harness->rack->adminToken(),
            m_harness->rack->fingerprint(), u"test"_s});
        QVERIFY(
            waitUntil([&] { return session.status() == RackSession::Status::Connected; }, 20000, &session));

        InstallWizard wizard(&session, &state);
        wizard.resize(900, 700);
        wizard.show();
        QCOMPARE(wizard.currentId(), int(InstallWizard::PrecheckPageId));
        QCOMPARE(wizard.stacks(), (QList<int> {1, 2}));

        // 1. Pre-checks: this rackd hears its DHCP script and can write the reservations.
        auto *precheck = qobject_cast<PrecheckPage *>(wizard.currentPage());
        QVERIFY(precheck);
        QVERIFY(waitUntil(
            [&] { return precheck->isLoaded(); }, 10000, &session, {on(precheck, &PrecheckPage::checked)}));
        QVERIFY(precheck->isReady());
        QCOMPARE(precheck->table()->rowCount(), 4);
        QCOMPARE(precheck->table()->item(1, 0)->text(), u"ok"_s); // DHCP events
        QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
        saveScreenshot(&wizard, u"wizard-1-prechecks"_s);
        wizard.next();

        // 2. Nothing is switched before the operator says so.
        auto *confirm = qobject_cast<ConfirmPage *>(wizard.currentPage());
        QVERIFY(confirm);
        QVERIFY(!confirm->isComplete());
        confirm->confirmBox()->setChecked(true);
        QVERIFY(confirm->isComplete());
        confirm->stackTimeout()->setValue(10);
        saveScreenshot(&wizard, u"wizard-2-confirm"_s);
        QVERIFY(!InstallJson::isActive(InstallJson::read(session.install())));
        wizard.button(QWizard::CommitButton)->click();

        // 3. Stack 1: three Pis found; the wizard follows the install on to stack 2.
        const int stack1 = wizard.stackPageId(1);
        const int stack2 = wizard.stackPageId(2);
        QVERIFY2(waitUntil([&] { return wizard.currentId() == stack1; }, 15000, &session),
            qPrintable(confirm->errorLabel()->text()));
        auto *page1 = qobject_cast<StackPage *>(wizard.page(stack1));
        QVERIFY(waitUntil([&] { return page1->macTable()->rowCount() >= 2; }, 60000, &session));
        saveScreenshot(&wizard, u"wizard-3-stack-discovery"_s);
        QVERIFY(waitUntil([&] { return wizard.currentId() == stack2; }, 60000, &session));
        QCOMPARE(page1->foundLabel()->text(), u"3 / 3 found"_s);
        QCOMPARE(page1->macTable()->rowCount(), 3);

        // Stack 2 has a dead Pi: after the stack timeout it waits for a decision.
        auto *page2 = qobject_cast<StackPage *>(wizard.page(stack2));
        QVERIFY(waitUntil(
            [&] {
                const auto install = InstallJson::read(session.install());
                return install && install->outcome == InstallJson::Outcome::WaitingForDecision;
            },
            60000, &session));
        QCOMPARE(page2->foundLabel()->text(), u"2 / 3 found"_s);
        QCOMPARE(page2->progress()->value(), 2);
        QVERIFY(page2->button(StackPage::Button::Accept)->isEnabled());
        QVERIFY(page2->button(StackPage::Button::Retry)->isEnabled());
        QVERIFY(!page2->isComplete());
        saveScreenshot(&wizard, u"wizard-4-stack-decision"_s);
        // However long rackd's account of the problem, the choices keep their full height.
        const QString shownProblem = page2->problemLabel()->text();
        page2->problemLabel()->setText(QStringList(
            40, u"dc:a6:32:01:02:03 was found in stack 1 already, and asked again while stack 2 was on."_s)
                                           .join(u' '));
        QApplication::processEvents();
        for (auto which : {StackPage::Button::Retry, StackPage::Button::Skip, StackPage::Button::Accept,
                 StackPage::Button::AddMac}) {
            QAbstractButton *choice = page2->button(which);
            QVERIFY2(choice->height() >= choice->sizeHint().height(),
                qPrintable(u"%1 is %2 px high, needs %3"_s.arg(choice->text())
                               .arg(choice->height())
                               .arg(choice->sizeHint().height())));
        }
        saveScreenshot(&wizard, u"wizard-4b-long-anomaly"_s);
        page2->problemLabel()->setText(shownProblem);

        // A wizard opened now (the app restarted) starts at this step, with the same choice.
        {
            InstallWizard reopened(&session, &state);
            reopened.show();
            QCOMPARE(reopened.currentId(), reopened.stackPageId(2));
            auto *again = qobject_cast<StackPage *>(reopened.currentPage());
            QVERIFY(again && again->button(StackPage::Button::Accept)->isEnabled());
            QCOMPARE(again->foundLabel()->text(), u"2 / 3 found"_s);
        }

        // A bad MAC is refused with rackd's reason; then the operator accepts the two Pis.
        page2->macInput()->setText(u"not-a-mac"_s);
        QSignalSpy answered(page2, &StackPage::answered);
        page2->button(StackPage::Button::AddMac)->click();
        QVERIFY(answered.wait(10000));
        QCOMPARE(answered.first().at(0).toBool(), false);
        QVERIFY2(page2->errorLabel()->text().startsWith(u"rackd refused the MAC: "_s),
            qPrintable(page2->errorLabel()->text()));
        page2->button(StackPage::Button::Accept)->click();
        QVERIFY(waitUntil(
            [&] {
                const auto install = InstallJson::read(session.install());
                return install && install->stack(2)
                    && install->stack(2)->status == InstallJson::Status::Accepted;
            },
            30000, &session));
        QVERIFY2(page2->statusLabel()->text().contains(u"accepted with 2 of 3 slots filled"_s),
            qPrintable(page2->statusLabel()->text()));

        // 4. Review: five Pis with the names and addresses of their slots.
        QVERIFY2(
            waitUntil([&] { return wizard.currentId() == InstallWizard::ReviewPageId; }, 30000, &session),
            qPrintable(u"on page %1, install at %2 / %3"_s.arg(wizard.currentId())
                           .arg(session.install().value(u"step"_s).toString(),
                               session.install().value(u"outcome"_s).toString())));
        auto *review = qobject_cast<ReviewPage *>(wizard.currentPage());
        const auto reviewed = [&] {
            return review->table()->rowCount() == 5 && review->table()->item(0, 3)->text() == u"s1-n1"_s;
        };
        QVERIFY(waitUntil(reviewed, 30000, &session, {on(review, &ReviewPage::loaded)}));
        // Slots follow the order in which a stack's Pis asked; the names and addresses follow the slots.
        const QStringList stack2Macs {m_harness->rack->pi(PiPlace {2, 1})->spec().nic.mac,
            m_harness->rack->pi(PiPlace {2, 2})->spec().nic.mac};
        for (int row : {3, 4}) {
            QVERIFY(stack2Macs.contains(review->table()->item(row, 0)->text()));
            QCOMPARE(review->table()->item(row, 1)->text(), u"2"_s);
            QCOMPARE(review->table()->item(row, 3)->text(), u"s2-n%1"_s.arg(row - 2));
            QCOMPARE(review->table()->item(row, 4)->text(), u"10.77.0.%1"_s.arg(11 + row));
        }
        saveScreenshot(&wizard, u"wizard-5-review"_s);
        // A name changed in the review: refused when it is not a host name, kept when it is.
        QSignalSpy renamed(review, &ReviewPage::renamed);
        review->table()->item(0, 3)->setText(u"Head_Node"_s);
        QVERIFY(renamed.wait(10000));
        QCOMPARE(renamed.takeFirst().at(0).toBool(), false);
        QVERIFY(waitUntil([&] { return review->table()->item(0, 3)->text() == u"s1-n1"_s; }, 10000, &session,
            {on(review, &ReviewPage::loaded)}));
        review->table()->item(0, 3)->setText(u"head-node"_s);
        QVERIFY(renamed.wait(10000));
        QVERIFY2(renamed.first().at(0).toBool(), qPrintable(renamed.first().at(1).toString()));
        QVERIFY(
            waitUntil([&] { return state.node(review->table()->item(0, 0)->text())->name == u"head-node"_s; },
                10000, &session));
        QVERIFY(waitUntil([&] { return review->isComplete(); }, 30000, &session));
        // The page says what rackd is doing now, which goes on without the operator.
        QVERIFY(waitUntil(
            [&] {
                return review->text()->text()
                    == ReviewPage::stepText(InstallJson::read(session.install()), 5);
            },
            10000, &session, {on(review, &ReviewPage::loaded)}));
        QVERIFY2(!review->text()->text().contains(u"Next powers on"_s), qPrintable(review->text()->text()));
        QVERIFY2(review->text()->text().startsWith(u"5 Pis. "_s), qPrintable(review->text()->text()));
        wizard.next();

        // 5. Apply and verify: both stacks ok, stack 2 judged on the two Pis accepted (its third slot is
        // empty, and not waited for: the install ends when the 5 placed Pis are up).
        auto *apply = qobject_cast<ApplyPage *>(wizard.currentPage());
        QVERIFY(apply);
        QVERIFY(waitUntil([&] { return apply->isComplete(); }, 120000, &session));
        QCOMPARE(InstallJson::read(session.install())->outcome, InstallJson::Outcome::Done);
        QCOMPARE(apply->table()->item(0, 3)->text(), u"ok"_s);
        QCOMPARE(apply->table()->item(1, 3)->text(),
            u"ok (judged on the 2 Pis placed; 1 of 3 slots left empty)"_s);
        QCOMPARE(apply->table()->item(0, 2)->text(), u"3 of 3 Pis"_s);
        QCOMPARE(apply->table()->item(1, 2)->text(), u"2 of 2 Pis"_s);
        QCOMPARE(apply->progress()->maximum(), 5);
        saveScreenshot(&wizard, u"wizard-6-verify"_s);
        wizard.next();

        // 6. Summary, and the inventory saved to a file.
        auto *summary = qobject_cast<SummaryPage *>(wizard.currentPage());
        QVERIFY(summary);
        QVERIFY2(summary->outcomeLabel()->text().contains(u"is done"_s),
            qPrintable(summary->outcomeLabel()->text()));
        QCOMPARE(summary->table()->item(1, 1)->text(), u"accepted"_s);
        const QString hostsPath = m_harness->dir.filePath(u"exported-hosts"_s);
        QSignalSpy exported(summary, &SummaryPage::exported);
        summary->exportInventory(u"hosts"_s, hostsPath);
        QVERIFY(exported.wait(10000));
        QVERIFY2(exported.first().at(0).toBool(), qPrintable(exported.first().at(1).toString()));
        const QByteArray hosts = readFile(hostsPath);
        QCOMPARE(hosts.count("s1-n"), 2);
        QVERIFY(hosts.contains("head-node"));
        // The reservation for dnsmasq carries the new name as well.
        QVERIFY(readFile(QDir(m_harness->runDirectory).filePath(u"dnsmasq/dhcp-hosts"_s))
                    .contains(",10.77.0.11,head-node"));
        QCOMPARE(hosts.count("s2-n"), 2);
        QVERIFY(hosts.contains("10.77.0.14"));
        saveScreenshot(&wizard, u"wizard-7-summary"_s);
        QVERIFY(wizard.button(QWizard::FinishButton)->isVisible());
    }
};

QTEST_MAIN(TestInstallWizard)
#include "tst_installwizard.moc"
