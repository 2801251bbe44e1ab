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
#include <QLabel>
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

    // A connect link: the rack must present its fingerprint and accept its token before anything is kept.
    void aConnectLinkIsKeptOnlyOnceTheRackProvedIt()
    {
        const QString pins = m_fixture.path(u"link-pins.json"_s);
        QFile::remove(pins);
        QFile::remove(SavedRacks::defaultPath());
        QFile::remove(m_fixture.path(u"link-tokens.json"_s));
        TokenKeyring keyring(m_fixture.path(u"link-tokens.json"_s));
        RackState state;
        RackSession session(&state);
        RackConnector connector(&session, &state, &keyring, pins, prompts());
        QSignalSpy stopped(&connector, &RackConnector::stopped);
        const SavedRack rack {u"linked"_s, u"127.0.0.1"_s, m_daemon->port()};
        m_keepInFile = true;
        m_trust = true;
        const auto nothingStored = [&] {
            return !QFile::exists(pins) && !QFile::exists(SavedRacks::defaultPath())
                && !keyring.readFromFile(rack.key());
        };
        m_asked.clear();

        connector.connectWithLink(rack, u"SHA256:"_s + QString(64, u'0'), m_fixture.adminToken);
        QVERIFY(stopped.wait(10000));
        QVERIFY2(stopped.last().at(0).toString().contains(u"not the one in the link"_s),
            qPrintable(stopped.last().at(0).toString()));
        QVERIFY(nothingStored());

        connector.connectWithLink(rack, m_daemon->fingerprint(), u"prt_"_s + QString(43, u'A'));
        QVERIFY(stopped.wait(10000));
        const QString refused = stopped.last().at(0).toString();
        QVERIFY2(
            refused.contains(u"nothing stored"_s) && !refused.contains(u"AAAAAAAA"_s), qPrintable(refused));
        QVERIFY(nothingStored());
        QCOMPARE(m_asked, QStringList()); // the link is the trust: no question about the fingerprint

        stopped.clear();
        connector.connectWithLink(rack, m_daemon->fingerprint(), m_fixture.adminToken);
        QVERIFY(waitFor(session, Status::Connected, &stopped));
        QTRY_COMPARE_WITH_TIMEOUT(
            keyring.readFromFile(rack.key()), std::optional<QString>(m_fixture.adminToken), 5000);
        QCOMPARE(m_asked, QStringList {u"file"_s}); // no keychain here: the file, by choice
        PinStore pinned(pins);
        QString error;
        QVERIFY(pinned.load(&error));
        QCOMPARE(pinned.fingerprint(rack.host, rack.port), m_daemon->fingerprint());
        SavedRacks saved;
        QVERIFY(saved.load(&error));
        QCOMPARE(saved.current(), u"linked"_s);
        QCOMPARE(saved.find(u"linked"_s)->key(), rack.key());
        session.close();
    }

    void theDialogTakesAPastedLink()
    {
        QFile::remove(SavedRacks::defaultPath());
        ConnectDialog dialog;
        const auto shown = [&dialog](const QString &text) {
            const QList<QLabel *> labels = dialog.findChildren<QLabel *>();
            return std::any_of(labels.cbegin(), labels.cend(), [&](const QLabel *label) {
                return label->isVisibleTo(&dialog) && label->text().contains(text);
            });
        };
        dialog.linkField()->setText(u"pirack://10.42.0.1:7420/?fingerprint=SHA256:abc"_s);
        QVERIFY(shown(u"This link cannot be used: the connect link's fingerprint"_s));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));

        const QString fingerprint = u"SHA256:"_s + QString(64, u'c');
        const QString token = u"prt_"_s + QString(43, u'T');
        dialog.setLinkText(ConnectLink {u"10.42.0.1"_s, 7420, fingerprint, token, u"lab rack"_s}.toString());
        QCOMPARE(dialog.rack().name, u"lab rack"_s);
        QCOMPARE(dialog.rack().key(), u"10.42.0.1:7420"_s);
        QVERIFY(shown(u"SHA256: cccccccc cccccccc"_s)); // for the operator to see what the rack must present
        QVERIFY(!shown(token));
        dialog.resize(720, 420);
        dialog.show();
        saveScreenshot(&dialog, u"connect-dialog-link"_s);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.link()->token, token);
        QCOMPARE(dialog.link()->name, u"lab rack"_s);
        QVERIFY(!QFile::exists(SavedRacks::defaultPath())); // saved once the rack proved the link right
    }

    void theDialogSavesRacksAndOffersThemAgain()
    {
        QFile::remove(SavedRacks::defaultPath());
        QString error;
        QVERIFY(SavedRacks().put({u"lab"_s, u"10.42.0.1"_s, 7420}, &error));
        ConnectDialog dialog;
        QCOMPARE(dialog.rackList()->count(), 1);
        // An incomplete rack is not accepted, and says why.
        dialog.findChild<QLineEdit *>(u"name"_s)->setText(u"teaching rack"_s);
        dialog.findChild<QLineEdit *>(u"host"_s)->clear();
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        dialog.findChild<QLineEdit *>(u"host"_s)->setText(u"rack2.lan"_s);
        dialog.findChild<QLineEdit *>(u"token"_s)->setText(u"typed-token"_s);
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
