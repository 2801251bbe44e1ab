// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The app's token dialog against a real rackd: list, a new token as a connect link, revoke.
#include "app/tokensdialog.h"
#include "client/connectlink.h"
#include "rackdfixture.h"
#include "screenshots.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestTokensDialog : public QObject
{
    Q_OBJECT

    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;

    bool connectAs(RackSession &session, const QString &token)
    {
        QSignalSpy changed(&session, &RackSession::statusChanged);
        session.open({u"127.0.0.1"_s, m_daemon->port(), token, m_daemon->fingerprint(), u"test"_s});
        // Until it is up, or refused (Disconnected once it was Connecting): never longer than 10 s.
        QElapsedTimer clock;
        clock.start();
        while (session.status() == RackSession::Status::Connecting && clock.elapsed() < 10000)
            changed.wait(200);
        return session.status() == RackSession::Status::Connected;
    }

    static QStringList names(const QTableWidget *table)
    {
        QStringList names;
        for (int row = 0; row < table->rowCount(); ++row)
            names.append(table->item(row, 0)->text());
        return names;
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

    void anAdminMakesALinkThatWorksAndRevokesIt()
    {
        RackState state;
        RackSession session(&state);
        QVERIFY(connectAs(session, m_fixture.adminToken));
        TokensDialog dialog(&session);
        QSignalSpy answered(&dialog, &TokensDialog::answered);
        QVERIFY(answered.wait(10000));
        QCOMPARE(names(dialog.table()), QStringList {u"admin"_s});
        // On loopback the link names this machine, as the laptop would reach the master.
        QVERIFY(!dialog.linkHostField()->text().startsWith(u"127."_s));

        dialog.create(); // no name yet
        QVERIFY(dialog.message().contains(u"Give the new token a name"_s));
        dialog.nameField()->setText(u"alice-laptop"_s);
        dialog.roleBox()->setCurrentText(u"operator"_s);
        dialog.linkHostField()->setText(u"127.0.0.1"_s);
        answered.clear();
        dialog.create();
        QTRY_VERIFY_WITH_TIMEOUT(names(dialog.table()).contains(u"alice-laptop"_s), 10000);
        QString error;
        const std::optional<ConnectLink> link = ConnectLink::parse(dialog.created(), &error);
        QVERIFY2(link, qPrintable(error));
        QCOMPARE(link->fingerprint, m_daemon->fingerprint());
        QCOMPARE(link->port, m_daemon->port());
        QVERIFY(dialog.message().contains(u"shown only now"_s));
        dialog.resize(620, 560);
        dialog.show();
        saveScreenshot(&dialog, u"tokens-dialog"_s);

        // The link's token opens the rack with the role chosen.
        RackState aliceState;
        RackSession alice(&aliceState);
        QVERIFY(connectAs(alice, link->token));
        alice.close();

        // Revoked after a confirmation that names it; the link stops working.
        QString asked;
        dialog.confirmRevoke = [&asked](const QString &name) {
            asked = name;
            return true;
        };
        const int row = int(names(dialog.table()).indexOf(u"alice-laptop"_s));
        dialog.table()->selectRow(row);
        dialog.revokeSelected();
        QCOMPARE(asked, u"alice-laptop"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!names(dialog.table()).contains(u"alice-laptop"_s), 10000);
        QVERIFY(!connectAs(alice, link->token));
        QVERIFY2(alice.statusMessage().contains(u"token"_s, Qt::CaseInsensitive),
            qPrintable(alice.statusMessage()));

        // A plain token when the link is not wanted.
        dialog.asLinkBox()->setChecked(false);
        QVERIFY(!dialog.linkHostField()->isEnabled());
        dialog.nameField()->setText(u"backup-script"_s);
        dialog.create();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.created().startsWith(u"prt_"_s), 10000);
        QVERIFY(ConnectLink::looksLikeToken(dialog.created()));
    }

    void aViewerIsToldRackdsRefusal()
    {
        RackState state;
        RackSession admin(&state);
        QVERIFY(connectAs(admin, m_fixture.adminToken));
        QString viewerToken;
        admin.client()->request(Protocol::Method::TokenCreate,
            {{u"name"_s, u"screen"_s}, {u"role"_s, u"viewer"_s}},
            [&viewerToken](
                const Protocol::Reply &reply) { viewerToken = reply.result.value(u"token"_s).toString(); });
        QTRY_VERIFY_WITH_TIMEOUT(!viewerToken.isEmpty(), 10000);
        admin.close();
        RackState viewerState;
        RackSession viewer(&viewerState);
        QVERIFY(connectAs(viewer, viewerToken));
        TokensDialog dialog(&viewer);
        QSignalSpy answered(&dialog, &TokensDialog::answered);
        QVERIFY(answered.wait(10000));
        QVERIFY2(dialog.message().contains(u"The tokens cannot be listed"_s)
                && dialog.message().contains(u"admin"_s),
            qPrintable(dialog.message()));
        QCOMPARE(dialog.table()->rowCount(), 0);
    }
};

QTEST_MAIN(TestTokensDialog)
#include "tst_tokensdialog.moc"
