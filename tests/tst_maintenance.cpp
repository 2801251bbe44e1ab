// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Maintenance mode and the recovery settings, on a real rackd in this process: what is saved, what
// is refused and why, and the staged install as the whole rack's maintenance.
#include "rackdfixture.h"
#include "recovery/maintenancestore.h"
#include "storage/jsonfile.h"
#include "structure/structuredraft.h"
#include "structure/structurereader.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

/// A rackd of the fixture, started, with an admin connected to it.
struct RunningRackd
{
    std::unique_ptr<Daemon> daemon;
    RackClient admin;

    bool start(RackdFixture &fixture, QString *error)
    {
        daemon = fixture.start(error);
        if (!daemon)
            return false;
        if (!connectClient(admin, daemon->port(), fixture.adminToken, daemon->fingerprint()).ready) {
            *error = u"the admin could not connect"_s;
            return false;
        }
        return true;
    }
};

class TestMaintenance : public QObject
{
    Q_OBJECT

    static QJsonObject stackOf(const Protocol::Reply &status, int id)
    {
        for (const QJsonValue &stack : status.result.value(u"stacks"_s).toArray()) {
            if (stack[u"id"_s].toInt() == id)
                return stack.toObject();
        }
        return {};
    }

private Q_SLOTS:
    void maintenanceIsSavedAndSurvivesARestart()
    {
        RackdFixture fixture;
        QVERIFY(fixture.prepare());
        QString error;
        {
            RunningRackd rackd;
            QVERIFY2(rackd.start(fixture, &error), qPrintable(error));
            RackClient &admin = rackd.admin;
            const auto on = call(
                admin, u"maintenance"_s, {{u"stack"_s, 2}, {u"on"_s, true}, {u"reason"_s, u"new fan"_s}});
            QVERIFY(on && !on->isError());
            QCOMPARE(on->result.value(u"maintenance"_s)[u"reason"_s].toString(), u"new fan"_s);
            QCOMPARE(on->result.value(u"maintenance"_s)[u"by"_s].toString(), u"admin"_s);
            // Saved before it was answered.
            const JsonFile::ReadResult saved = JsonFile::read(fixture.path(u"state/maintenance.json"_s));
            QCOMPARE(saved.status, JsonFile::ReadResult::Status::Ok);
            QCOMPARE(saved.object.value(u"stacks"_s)[u"2"_s][u"reason"_s].toString(), u"new fan"_s);
            // The audit names who did it.
            const auto audit = call(admin, u"audit"_s, {{u"last"_s, 5}});
            QVERIFY(audit && !audit->isError());
            const QJsonObject last = audit->result.value(u"entries"_s).toArray().last().toObject();
            QCOMPARE(last.value(u"request"_s).toString(), u"maintenance"_s);
            QCOMPARE(last.value(u"result"_s).toString(), u"ok"_s);
        }
        RunningRackd rackd;
        QVERIFY2(rackd.start(fixture, &error), qPrintable(error));
        RackClient &admin = rackd.admin;
        const auto status = call(admin, u"status"_s);
        QVERIFY(status && !status->isError());
        QCOMPARE(stackOf(*status, 2).value(u"maintenance"_s)[u"reason"_s].toString(), u"new fan"_s);
        QVERIFY(!stackOf(*status, 1).contains(u"maintenance"_s));
        QCOMPARE(stackOf(*status, 1).value(u"recovery_mode"_s).toString(), u"notify"_s);
        const auto off = call(admin, u"maintenance"_s, {{u"stack"_s, 2}, {u"on"_s, false}});
        QVERIFY(off && !off->isError());
        QVERIFY(!off->result.contains(u"maintenance"_s));
    }

    void badRequestsSayWhatIsWrong_data()
    {
        QTest::addColumn<QJsonObject>("params");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("no on") << QJsonObject {{u"stack"_s, 1}} << Protocol::ErrorCode::BadRequest
                               << u"\"on\" must be true or false"_s;
        QTest::newRow("neither") << QJsonObject {{u"on"_s, true}} << Protocol::ErrorCode::BadRequest
                                 << u"name either a \"stack\" (its id) or a \"node\" (its name or MAC)"_s;
        QTest::newRow("both") << QJsonObject {{u"on"_s, true}, {u"stack"_s, 1}, {u"node"_s, u"s1-n1"_s}}
                              << Protocol::ErrorCode::BadRequest
                              << u"name either a \"stack\" (its id) or a \"node\" (its name or MAC)"_s;
        QTest::newRow("no such stack") << QJsonObject {{u"on"_s, true}, {u"stack"_s, 7}}
                                       << Protocol::ErrorCode::NotFound << u"there is no stack 7"_s;
        QTest::newRow("no such node")
            << QJsonObject {{u"on"_s, true}, {u"node"_s, u"s9-n9"_s}} << Protocol::ErrorCode::NotFound
            << u"there is no node \"s9-n9\" (give its name or MAC)"_s;
        QTest::newRow("control characters")
            << QJsonObject {{u"on"_s, true}, {u"stack"_s, 1}, {u"reason"_s, u"a\u001b[2Jb"_s}}
            << Protocol::ErrorCode::BadRequest
            << u"\"reason\" must be text of at most 200 printable characters"_s;
        QTest::newRow("too long") << QJsonObject {{u"on"_s, true}, {u"stack"_s, 1},
            {u"reason"_s, QString(201, u'x')}}
                                  << Protocol::ErrorCode::BadRequest
                                  << u"\"reason\" must be text of at most 200 printable characters"_s;
    }

    void badRequestsSayWhatIsWrong()
    {
        QFETCH(QJsonObject, params);
        QFETCH(QString, code);
        QFETCH(QString, message);
        RackdFixture fixture;
        QVERIFY(fixture.prepare());
        QString error;
        RunningRackd rackd;
        QVERIFY2(rackd.start(fixture, &error), qPrintable(error));
        RackClient &admin = rackd.admin;
        const auto reply = call(admin, u"maintenance"_s, params);
        QVERIFY(reply && reply->isError());
        QCOMPARE(reply->error->code, code);
        QCOMPARE(reply->error->message, message);
        QVERIFY(!QFile::exists(fixture.path(u"state/maintenance.json"_s)));
        const auto stop = call(admin, u"recovery.stop"_s, {{u"stack"_s, 1}});
        QVERIFY(stop && stop->isError());
        QCOMPARE(stop->error->code, Protocol::ErrorCode::Conflict);
    }

    void theStagedInstallPutsTheRackInMaintenance()
    {
        RackdFixture fixture;
        fixture.extraConfig = "install_stack_timeout = 30\n";
        QVERIFY(fixture.prepare());
        QString error;
        RunningRackd rackd;
        QVERIFY2(rackd.start(fixture, &error), qPrintable(error));
        Daemon *daemon = rackd.daemon.get();
        RackClient &admin = rackd.admin;
        const auto before = call(admin, u"status"_s);
        QVERIFY(before && !before->result.value(u"rack"_s).toObject().contains(u"maintenance"_s));
        const auto started = call(admin, u"install.start"_s, {{u"stacks"_s, QJsonArray {3}}});
        QVERIFY2(started && !started->isError(),
            started && started->isError() ? qPrintable(started->error->message) : "");
        const auto during = call(admin, u"status"_s);
        QVERIFY(during && !during->isError());
        QCOMPARE(during->result.value(u"rack"_s)[u"maintenance"_s].toString(), u"the staged install runs"_s);
        QCOMPARE(daemon->recovery()->rackMaintenance(), u"the staged install runs"_s);
        QVERIFY(call(admin, u"install.abort"_s));
        const auto after = call(admin, u"status"_s);
        QVERIFY(after && !after->result.value(u"rack"_s).toObject().contains(u"maintenance"_s));
    }

    void recoverySettingsAreReadAndChecked()
    {
        QStringList errors;
        const auto config
            = RackdConfig::parse("[rackd]\nrecovery = recover\nshared_stack = drain\nrecovery_after = 45\n"
                                 "recovery_attempts = 5\nrecovery_window = 7200\nrecovery_temperature = 75\n",
                u"rackd.conf"_s, &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QCOMPARE(config->recovery.mode, RecoveryMode::Recover);
        QCOMPARE(config->recovery.sharedStack, SharedStackPolicy::Drain);
        QCOMPARE(config->recovery.lostAfter.count(), 45000);
        QCOMPARE(config->recovery.attempts, 5);
        QCOMPARE(config->recovery.window.count(), 7200000);
        QCOMPARE(config->recovery.temperatureLimit, 75.0);
        QCOMPARE(config->recovery.backoffBefore(2).count(), 45000);
        QCOMPARE(config->recovery.backoffBefore(3).count(), 90000);
        // The defaults: report, never switch.
        const auto defaults = RackdConfig::parse("[rackd]\n", u"rackd.conf"_s, &errors);
        QVERIFY(defaults);
        QCOMPARE(defaults->recovery.mode, RecoveryMode::Notify);
        QCOMPARE(defaults->recovery.sharedStack, SharedStackPolicy::Wait);
        QCOMPARE(defaults->recovery.attempts, 3);
        errors.clear();
        QVERIFY(!RackdConfig::parse("[rackd]\nrecovery = reboot\nrecovery_attempts = 0\nshared_stack = cut\n",
            u"rackd.conf"_s, &errors));
        QCOMPARE(errors.size(), 3);
        QVERIFY2(errors.at(0) == u"rackd.conf:2: recovery: \"reboot\" is not off, notify or recover"_s,
            qPrintable(errors.at(0)));
        QVERIFY2(
            errors.at(1).contains(u"\"0\" is not a whole number from 1 to 100"_s), qPrintable(errors.at(1)));
        QVERIFY2(errors.at(2).contains(u"\"cut\" is not wait or drain"_s), qPrintable(errors.at(2)));
    }

    void aStackSetsItsOwnPolicyInTheStructureFile()
    {
        const QByteArray file
            = "[rack]\npi_stack = 2\nrows = 1\ncols = 2\nrelay_backend = simulated\n"
              "[1]\nx = 1\ny = 1\nrecovery = recover\nshared_stack = drain\n[2]\nx = 1\ny = 2\n";
        const StructureLoadResult result = StructureReader::parse(file, u"rack.ini"_s);
        QVERIFY(result.structure);
        QCOMPARE(result.structure->stack(1)->recovery, std::optional<RecoveryMode>(RecoveryMode::Recover));
        QCOMPARE(result.structure->stack(1)->sharedStack,
            std::optional<SharedStackPolicy>(SharedStackPolicy::Drain));
        QVERIFY(!result.structure->stack(2)->recovery);
        RecoverySettings settings;
        QCOMPARE(settings.modeFor(*result.structure->stack(1)), RecoveryMode::Recover);
        QCOMPARE(settings.modeFor(*result.structure->stack(2)), RecoveryMode::Notify);
        // The rack designer keeps them when it saves the file.
        const QByteArray saved = StructureDraft::fromIni(file).toIni();
        const StructureLoadResult again = StructureReader::parse(saved, u"rack.ini"_s);
        QVERIFY(again.structure);
        QCOMPARE(again.structure->stack(1)->recovery, std::optional<RecoveryMode>(RecoveryMode::Recover));
        QCOMPARE(again.structure->stack(1)->sharedStack,
            std::optional<SharedStackPolicy>(SharedStackPolicy::Drain));
        // A wrong word is an error at its line.
        const StructureLoadResult wrong
            = StructureReader::parse("[rack]\npi_stack = 2\nrows = 1\ncols = 1\nrelay_backend = simulated\n"
                                     "[1]\nx = 1\ny = 1\nrecovery = sometimes\n",
                u"rack.ini"_s);
        QVERIFY(!wrong.structure);
        bool found = false;
        for (const StructureIssue &issue : wrong.issues)
            found = found
                || (issue.line == 9
                    && issue.message.contains(u"\"sometimes\" is not off, notify or recover"_s));
        QVERIFY(found);
    }
};

QTEST_GUILESS_MAIN(TestMaintenance)
#include "tst_maintenance.moc"
