// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Connecting the app to a saved rack against a real rackd on loopback, with no secret service (CTest
// gives it no session bus): the operator is asked about the file, trusts on first contact, is not
// asked again, is asked for a token when none is kept, and is stopped by a changed certificate.
#include "app/connectdialog.h"
#include "client/pinstore.h"
#include "rackdfixture.h"
#include "screenshots.h"
#include "session/rackconnector.h"

#include <QJsonDocument>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Status = RackSession::Status;

class TestRackConnector : public QObject
{
    Q_OBJECT

    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;
    QStringList m_asked; ///< Which prompts were shown, in order.
    bool m_trust = true;
    bool m_keepInFile = true;
    std::optional<QString> m_tokenAnswer;

    RackConnector::Prompts prompts()
    {
        RackConnector::Prompts prompts;
        prompts.trust = [this](const SavedRack &, const QString &fingerprint) {
            m_asked.append(u"trust "_s + fingerprint);
            return m_trust;
        };
        prompts.mismatch
            = [this](const SavedRack &, const QString &, const QString &) { m_asked.append(u"mismatch"_s); };
        prompts.storeInFile = [this](const SavedRack &, const QString &, const QString &) {
            m_asked.append(u"file"_s);
            return m_keepInFile;
        };
        prompts.askToken = [this](const SavedRack &, const QString &) {
            m_asked.append(u"token"_s);
            return m_tokenAnswer;
        };
        return prompts;
    }

    static bool waitFor(RackSession &session, Status status, QSignalSpy *stopped = nullptr)
    {
        QSignalSpy spy(&session, &RackSession::statusChanged);
        QElapsedTimer clock;
        clock.start();
        while (session.status() != status && (!stopped || stopped->isEmpty()) && clock.elapsed() < 20000)
            spy.wait(200);
        return session.status() == status;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // the saved racks go to a test folder
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
    }
    void cleanupTestCase() { m_daemon.reset(); }

    void theWholeWayFromASavedRackToAConnection()
    {
        const QString pins = m_fixture.path(u"known-racks.json"_s);
        TokenKeyring keyring(m_fixture.path(u"tokens.json"_s));
        RackState state;
        RackSession session(&state);
        RackConnector connector(&session, &state, &keyring, pins, prompts());
        QSignalSpy stopped(&connector, &RackConnector::stopped);
        const SavedRack rack {u"lab"_s, u"127.0.0.1"_s, m_daemon->port()};
        QFile::remove(SavedRacks::defaultPath());
        QString saveError;
        QVERIFY2(SavedRacks().put(rack, &saveError), qPrintable(saveError));

        // First time: the token typed, no keyring (so the file, by choice), the fingerprint trusted.
        connector.connectTo(rack, m_fixture.adminToken);
        QVERIFY(waitFor(session, Status::Connected, &stopped));
        QCOMPARE(m_asked, (QStringList {u"file"_s, u"trust "_s + m_daemon->fingerprint()}));
        QCOMPARE(keyring.readFromFile(rack.key()), std::optional<QString>(m_fixture.adminToken));
        PinStore pinned(pins);
        QString error;
        QVERIFY(pinned.load(&error));
        QCOMPARE(pinned.fingerprint(rack.host, rack.port), m_daemon->fingerprint());
        SavedRacks saved;
        QVERIFY(saved.load(&error));
        QCOMPARE(saved.current(), u"lab"_s); // what rackctl talks to from now on, too

        // Again, as after a restart of the app: nothing is asked.
        m_asked.clear();
        connector.connectTo(rack);
        QVERIFY(waitFor(session, Status::Connected, &stopped));
        QCOMPARE(m_asked, QStringList());

        // No token kept: asked for; the operator does not want it in the file, so it is not.
        QVERIFY(keyring.removeFromFile(rack.key(), &error));
        m_tokenAnswer = m_fixture.adminToken;
        m_keepInFile = false;
        connector.connectTo(rack);
        QVERIFY(waitFor(session, Status::Connected, &stopped));
        QCOMPARE(m_asked, (QStringList {u"token"_s, u"file"_s}));
        QVERIFY(!keyring.readFromFile(rack.key()));

        // Giving up on the token stops there, saying why.
        m_asked.clear();
        m_tokenAnswer.reset();
        connector.connectTo(rack);
        QVERIFY(stopped.wait(10000));
        QVERIFY2(stopped.last().at(0).toString().contains(u"needs a token"_s),
            qPrintable(stopped.last().at(0).toString()));
        QCOMPARE(session.status(), Status::Disconnected);
        stopped.clear();

        // The rack presents another certificate than the pinned one: stopped, nothing sent.
        const QJsonObject otherPin {{rack.key(), QString(64, u'a')}};
        QVERIFY(writeFile(pins, QJsonDocument(QJsonObject {{u"racks"_s, otherPin}}).toJson()));
        m_asked.clear();
        connector.connectTo(rack, m_fixture.adminToken, false);
        QVERIFY(stopped.wait(10000));
        QCOMPARE(m_asked, QStringList {u"mismatch"_s});
        QVERIFY(stopped.last().at(0).toString().contains(u"another certificate"_s));
        QVERIFY(session.status() != Status::Connected);
    }

    void theDialogSavesRacksAndOffersThemAgain()
    {
        QFile::remove(SavedRacks::defaultPath());
        QString error;
        QVERIFY(SavedRacks().put({u"lab"_s, u"10.42.0.1"_s, 7420}, &error));
        ConnectDialog dialog;
        QCOMPARE(dialog.rackList()->count(), 1);
        // An incomplete rack is not accepted, and says why.
        dialog.findChildren<QLineEdit *>().at(0)->setText(u"teaching rack"_s);
        dialog.findChildren<QLineEdit *>().at(1)->clear();
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        dialog.findChildren<QLineEdit *>().at(1)->setText(u"rack2.lan"_s);
        dialog.findChildren<QLineEdit *>().at(3)->setText(u"typed-token"_s);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.rack().key(), u"rack2.lan:7420"_s);
        QCOMPARE(dialog.typedToken(), u"typed-token"_s);
        SavedRacks saved;
        QVERIFY(saved.load(&error));
        QCOMPARE(saved.racks().size(), 2);
        ConnectDialog again;
        again.selectRack(u"teaching rack"_s);
        QCOMPARE(again.rackList()->count(), 2);
        QCOMPARE(again.rack().host, u"rack2.lan"_s);
        QVERIFY(again.typedToken().isEmpty()); // tokens are never shown again
        again.resize(640, 320);
        again.show();
        saveScreenshot(&again, u"connect-dialog"_s);
    }
};

QTEST_MAIN(TestRackConnector)
#include "tst_rackconnector.moc"
