// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// rackd as a process: killed, stopped, and told to reload, as an operator or systemd would.
#include "rackdfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace Qt::Literals::StringLiterals;

namespace {

class RackdProcess
{
public:
    explicit RackdProcess(const QString &configPath, const QStringList &extraEnvironment = {})
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(u"QT_LOGGING_RULES"_s);
        for (const QString &variable : extraEnvironment)
            environment.insert(variable.section(u'=', 0, 0), variable.section(u'=', 1));
        m_process.setProcessEnvironment(environment);
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
            [this] { m_log += QString::fromUtf8(m_process.readAllStandardError()); });
        m_process.start(QStringLiteral(RACKD_EXECUTABLE), {u"--config"_s, configPath});
    }
    ~RackdProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    /// Waits until the log, after the previous match, contains `pattern`; returns its first capture
    /// (or the whole match).
    std::optional<QString> waitForLog(const QString &pattern, int timeoutMs = 15000)
    {
        const QRegularExpression expression(pattern);
        QSignalSpy output(&m_process, &QProcess::readyReadStandardError);
        QDeadlineTimer deadline(timeoutMs);
        while (true) {
            m_log += QString::fromUtf8(m_process.readAllStandardError());
            const QRegularExpressionMatch match = expression.match(m_log, m_searchFrom);
            if (match.hasMatch()) {
                m_searchFrom = match.capturedEnd();
                return match.lastCapturedIndex() >= 1 ? match.captured(1) : match.captured(0);
            }
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
                return std::nullopt;
            output.wait(int(std::max<qint64>(1, deadline.remainingTime())));
        }
    }

    quint16 waitUntilListening()
    {
        const auto port = waitForLog(u"listening on 127\\.0\\.0\\.1:(\\d+)"_s);
        return port ? quint16(port->toUInt()) : 0;
    }

    void signal(int signalNumber) { ::kill(pid_t(m_process.processId()), signalNumber); }

    std::optional<int> waitForExit(int timeoutMs = 15000)
    {
        if (m_process.state() != QProcess::NotRunning) {
            QSignalSpy finished(&m_process, &QProcess::finished);
            if (!finished.wait(timeoutMs))
                return std::nullopt;
        }
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1; // -1: it crashed
    }

    QString log() const { return m_log; }

private:
    QProcess m_process;
    QString m_log;
    qsizetype m_searchFrom = 0;
};

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object() : QJsonObject();
}

} // namespace

class TestRackdProcess : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;

    QString fingerprint() const
    {
        QProcess process;
        process.start(QStringLiteral(RACKD_EXECUTABLE),
            {u"--config"_s, m_fixture.path(u"rackd.conf"_s), u"--fingerprint"_s});
        process.waitForFinished(15000);
        return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    }

    QString adminToken() const
    {
        QFile file(m_fixture.path(u"state/initial-admin-token"_s));
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
    }

    std::optional<Protocol::Reply> request(
        quint16 port, const QString &method, const QJsonObject &params = {})
    {
        RackClient client;
        if (!connectClient(client, port, adminToken(), fingerprint()).ready)
            return std::nullopt;
        return call(client, method, params);
    }

private Q_SLOTS:
    void init()
    {
        QDir(m_fixture.path(u"state"_s)).removeRecursively();
        QVERIFY(m_fixture.prepare());
    }

    void killedAndRestartedWithoutAnyRelayTransition()
    {
        qint64 transitionsBefore = 0;
        {
            RackdProcess rackd(m_fixture.path(u"rackd.conf"_s));
            const quint16 port = rackd.waitUntilListening();
            QVERIFY2(port > 0, qPrintable(rackd.log()));
            // The first start makes an admin token: it goes to a 0600 file, never to the log (the journal).
            QVERIFY(rackd.log().contains(u"created the initial admin token"_s));
            QVERIFY(!adminToken().isEmpty());
            QVERIFY(!rackd.log().contains(adminToken()));
            const auto reply
                = request(port, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1, 3}}});
            QVERIFY(reply && !reply->isError());
            transitionsBefore = readJson(m_fixture.path(u"state/simulated-relays.json"_s))
                                    .value(u"transitions"_s)
                                    .toInteger();
            QCOMPARE(transitionsBefore, 2);
            rackd.signal(SIGKILL);
            QVERIFY(rackd.waitForExit());
        }
        RackdProcess restarted(m_fixture.path(u"rackd.conf"_s));
        const quint16 port = restarted.waitUntilListening();
        QVERIFY2(port > 0, qPrintable(restarted.log()));
        QVERIFY(restarted.log().contains(u"restart in the same boot"_s));
        const QJsonObject hardware = readJson(m_fixture.path(u"state/simulated-relays.json"_s));
        QCOMPARE(hardware.value(u"transitions"_s).toInteger(), transitionsBefore);
        const auto status = request(port, u"status"_s);
        QVERIFY(status && !status->isError());
        const QJsonArray stacks = status->result.value(u"stacks"_s).toArray();
        QCOMPARE(stacks.at(0).toObject().value(u"relay"_s).toString(), u"on"_s);
        QCOMPARE(stacks.at(1).toObject().value(u"relay"_s).toString(), u"off"_s);
        QCOMPARE(stacks.at(2).toObject().value(u"relay"_s).toString(), u"on"_s);
    }

    // A crash (or the OOM killer) at any point of any power action: the restart re-asserts what
    // the relays hold and never switches one by itself. 100 kills at random points, seeded.
    void killedWhileSwitchingAndRestartedNeverMovesARelay()
    {
        const QList<QJsonObject> actions {
            {{u"action"_s, u"on"_s}, {u"stacks"_s, u"all"_s}, {u"staggered"_s, true}},
            {{u"action"_s, u"off"_s}, {u"stacks"_s, u"all"_s}},
            {{u"action"_s, u"cycle"_s}, {u"stacks"_s, u"all"_s}},
            {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1, 3}}},
            {{u"action"_s, u"cycle"_s}, {u"stacks"_s, QJsonArray {2}}},
            {{u"action"_s, u"off"_s}, {u"stacks"_s, QJsonArray {3}}},
        };
        const quint32 seed = QRandomGenerator::global()->generate();
        QRandomGenerator random(seed);
        qInfo() << "random kill points from seed" << seed;
        const QString board = m_fixture.path(u"state/simulated-relays.json"_s);
        const QString pin = fingerprint();
        int interrupted = 0; // kills that left a switch written down as under way
        // Each simulated relay reports its switch 100 ms after it moved: a crash in between is likely.
        const QStringList slowRelays {u"PIRACK_SIMULATED_RELAY_LATENCY_MS=100"_s};
        auto rackd = std::make_unique<RackdProcess>(m_fixture.path(u"rackd.conf"_s), slowRelays);
        quint16 port = rackd->waitUntilListening();
        QVERIFY2(port > 0, qPrintable(rackd->log()));
        for (int trial = 0; trial < 100; ++trial) {
            const QJsonObject action = actions.at(int(random.bounded(int(actions.size()))));
            const int killAfterMs = int(random.bounded(900));
            RackClient client;
            QVERIFY(connectClient(client, port, adminToken(), pin).ready);
            client.request(u"power"_s, action, [](const Protocol::Reply &) {});
            QSignalSpy never(&client, &RackClient::ready);
            never.wait(killAfterMs); // the kill point: the event loop runs meanwhile
            rackd->signal(SIGKILL);
            QVERIFY(rackd->waitForExit());
            const QJsonObject atKill = readJson(board);
            interrupted += readJson(m_fixture.path(u"state/relay-state.json"_s)).contains(u"switching"_s);

            rackd = std::make_unique<RackdProcess>(m_fixture.path(u"rackd.conf"_s), slowRelays);
            port = rackd->waitUntilListening();
            QVERIFY2(port > 0, qPrintable(rackd->log()));
            RackClient check; // a round trip: the takeover is over
            QVERIFY(connectClient(check, port, adminToken(), pin).ready);
            QVERIFY(call(check, u"status"_s));
            const QJsonObject afterRestart = readJson(board);
            QVERIFY2(afterRestart == atKill,
                qPrintable(
                    u"trial %1 (seed %2, %3 after %4 ms): the board was %5 at the kill, %6 after the restart"_s
                        .arg(trial)
                        .arg(seed)
                        .arg(QString::fromUtf8(QJsonDocument(action).toJson(QJsonDocument::Compact)))
                        .arg(killAfterMs)
                        .arg(QString::fromUtf8(QJsonDocument(atKill).toJson(QJsonDocument::Compact)),
                            QString::fromUtf8(QJsonDocument(afterRestart).toJson(QJsonDocument::Compact)))));
        }
        qInfo() << interrupted << "of 100 kills interrupted a switch";
    }

    void sigtermExitsCleanlyAndLeavesTheRelays()
    {
        RackdProcess rackd(m_fixture.path(u"rackd.conf"_s));
        const quint16 port = rackd.waitUntilListening();
        QVERIFY(port > 0);
        QVERIFY(request(port, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {2}}}));
        rackd.signal(SIGTERM);
        QCOMPARE(rackd.waitForExit(), std::optional<int>(0));
        QVERIFY(rackd.log().contains(u"stopping on signal 15"_s));
        const QJsonObject hardware = readJson(m_fixture.path(u"state/simulated-relays.json"_s));
        QCOMPARE(hardware.value(u"channels"_s).toObject().value(u"2"_s).toBool(), true);
        QCOMPARE(hardware.value(u"transitions"_s).toInteger(), 1);
    }

    void sighupReloadsOrKeepsTheStructure()
    {
        RackdProcess rackd(m_fixture.path(u"rackd.conf"_s));
        const quint16 port = rackd.waitUntilListening();
        QVERIFY(port > 0);

        // A broken file: reported, and the structure in force stays.
        QVERIFY(writeFile(m_fixture.path(u"rack.ini"_s), "[rack]\npi_stack = lots\n"));
        rackd.signal(SIGHUP);
        QVERIFY2(rackd.waitForLog(u"keeping the structure in force"_s), qPrintable(rackd.log()));
        QVERIFY(rackd.log().contains(u"pi_stack: \"lots\" is not a whole number"_s));
        auto status = request(port, u"status"_s);
        QVERIFY(status && !status->isError());
        QCOMPARE(status->result.value(u"stacks"_s).toArray().size(), 3);

        // Re-wired (a fourth stack): the lines held cannot change under a running rackd.
        QVERIFY(writeFile(m_fixture.path(u"rack.ini"_s),
            simulatedRackFile().replace("cols = 3", "cols = 4") + "[4]\nx = 1\ny = 4\n"));
        rackd.signal(SIGHUP);
        QVERIFY2(rackd.waitForLog(u"relay wiring in .* changed"_s), qPrintable(rackd.log()));

        // A valid change of timing: applied.
        QVERIFY(writeFile(m_fixture.path(u"rack.ini"_s), simulatedRackFile(1.5)));
        rackd.signal(SIGHUP);
        QVERIFY2(rackd.waitForLog(u"reloaded"_s), qPrintable(rackd.log()));
        status = request(port, u"status"_s);
        QVERIFY(status);
        QCOMPARE(status->result.value(u"rack"_s).toObject().value(u"stagger_delay"_s).toDouble(), 1.5);
    }
};

QTEST_GUILESS_MAIN(TestRackdProcess)
#include "tst_rackdprocess.moc"
