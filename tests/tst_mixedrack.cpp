// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// A mixed rack: this machine's rackd (amd64) and Pis whose rack-agent is the arm64 one from the
// package pirack-agent, run under qemu-user. The nearest thing to a Pi that this machine has.
//
// The arm64 agent: PIRACK_ARM64_AGENT (a rack-agent binary, or a pirack-agent .deb; what
// scripts/package.sh --check gives it), else build-arm64/ (scripts/test.sh cross-builds rack-agent
// there as root), else the newest pirack-agent arm64 .deb of scripts/package.sh. Without one, or
// without qemu-aarch64-static, it skips with the reason on a developer's machine, and fails in CI,
// where scripts/test.sh has made both.
#include "virtualrackharness.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestMixedRack : public QObject
{
    Q_OBJECT

    std::unique_ptr<VirtualRackHarness> m_harness;
    QTemporaryDir m_unpacked;
    QString m_agent;
    QStringList m_wrapper;

    /// The newest pirack-agent arm64 package in build-packages/debs, or "".
    static QString packagedAgent()
    {
        QDir debs(QStringLiteral(PIRACK_SOURCE_DIR "/build-packages/debs"));
        const QStringList found = debs.entryList({u"pirack-agent_*_arm64.deb"_s}, QDir::Files, QDir::Time);
        return found.isEmpty() ? QString() : debs.filePath(found.first());
    }

    /// rack-agent out of a .deb, as dpkg would install it; "" with the reason in `why`.
    QString unpack(const QString &deb, QString *why)
    {
        QProcess dpkgDeb;
        dpkgDeb.setProcessChannelMode(QProcess::MergedChannels);
        dpkgDeb.start(u"dpkg-deb"_s, {u"-x"_s, deb, m_unpacked.path()});
        if (!dpkgDeb.waitForFinished(60000) || dpkgDeb.exitCode() != 0) {
            *why = u"dpkg-deb -x %1 failed: %2"_s.arg(deb, QString::fromUtf8(dpkgDeb.readAll()));
            return {};
        }
        return QDir(m_unpacked.path()).filePath(u"usr/sbin/rack-agent"_s);
    }

    /// The nodes whose last heartbeat had the Pi fixture's model, temperature, memory and load.
    static int reportingNodes(VirtualRackHarness &rack)
    {
        const auto nodes = rack.call(u"nodes"_s);
        if (!nodes || nodes->isError())
            return 0;
        int reporting = 0;
        for (const QJsonValue &node : nodes->result.value(u"nodes"_s).toArray()) {
            const QJsonObject metrics = node[u"metrics"_s].toObject();
            if (node[u"identity"_s][u"model"_s].toString() == u"Raspberry Pi 4 Model B Rev 1.5"
                && metrics.value(u"temperature_c"_s).toDouble() > 30
                && metrics.value(u"memory_total_kib"_s).toDouble() > 0 && metrics.contains(u"load1"_s))
                ++reporting;
        }
        return reporting;
    }

    VirtualRackHarness &startRack()
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.mode = VirtualRackOptions::Mode::Namespaces;
        options.agentProgram = m_agent;
        options.agentWrapper = m_wrapper;
        // An emulated agent is slower than a native one; rackd waits three heartbeats before "down".
        options.heartbeatInterval = std::chrono::milliseconds(2000);
        m_harness = std::make_unique<VirtualRackHarness>();
        QString error;
        if (!m_harness->start(options, &error))
            qWarning().noquote() << error;
        return *m_harness;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (!NamespaceNetwork::available(&why)) {
            if (qEnvironmentVariable("CI") == u"true")
                QFAIL(qPrintable(u"CI runs as root, so network namespaces must work here: "_s + why));
            QSKIP(qPrintable(u"needs root and network namespaces: "_s + why));
        }
        const QString qemu = QStandardPaths::findExecutable(u"qemu-aarch64-static"_s);
        QString given = qEnvironmentVariable("PIRACK_ARM64_AGENT");
        if (given.isEmpty() && QFileInfo(QStringLiteral(CROSS_BUILT_AGENT)).isExecutable())
            given = QStringLiteral(CROSS_BUILT_AGENT);
        if (given.isEmpty())
            given = packagedAgent();
        const QString missing = qemu.isEmpty()
            ? u"needs qemu-aarch64-static (Debian package qemu-user-static)"_s
            : given.isEmpty()
            ? u"no arm64 rack-agent in %1 or build-packages/debs (scripts/test.sh as root, or "
              "scripts/package.sh --arch arm64, makes one; or set PIRACK_ARM64_AGENT)"_s.arg(
                  QStringLiteral(CROSS_BUILT_AGENT))
            : QString();
        if (!missing.isEmpty()) {
            if (qEnvironmentVariable("CI") == u"true")
                QFAIL(qPrintable(
                    u"scripts/test.sh builds the arm64 agent and installs qemu in CI: "_s + missing));
            QSKIP(qPrintable(missing));
        }
        QVERIFY(m_unpacked.isValid());
        m_agent = given.endsWith(u".deb"_s) ? unpack(given, &why) : given;
        QVERIFY2(!m_agent.isEmpty() && QFileInfo(m_agent).isExecutable(), qPrintable(why + m_agent));
        // A Raspberry Pi 4's processor, with the arm64 loader and libraries of Debian's multiarch
        // (/lib/ld-linux-aarch64.so.1). Not "-L /usr/aarch64-linux-gnu": that loader belongs to
        // the cross compiler's glibc, another build than the multiarch libc.so.6, and the pair
        // corrupts glibc's thread list (the agent's first pthread_create loops forever).
        // vrack-no-pidfd: qemu 7.2 cannot clone(CLONE_PIDFD), which Qt's QProcess would use for
        // the agent's commands (a real Pi's kernel can; see tests/virtualrack/nopidfd.cpp).
        m_wrapper = {QStringLiteral(NO_PIDFD_EXECUTABLE), qemu, u"-cpu"_s, u"cortex-a72"_s};
        qInfo().noquote() << "arm64 agent:" << given;

        // It is an arm64 program, and it runs here only through qemu.
        QProcess version;
        version.setProcessChannelMode(QProcess::MergedChannels);
        version.start(m_wrapper.first(), m_wrapper.mid(1) + QStringList {m_agent, u"--version"_s});
        QVERIFY(version.waitForFinished(60000));
        QCOMPARE(version.readAll(), QByteArray("rack-agent " PIRACK_VERSION_STRING "\n"));
        QFile elf(m_agent);
        QVERIFY(elf.open(QIODevice::ReadOnly));
        const QByteArray header = elf.read(20);
        QCOMPARE(header.left(4),
            QByteArray("\x7f"
                       "ELF"));
        QCOMPARE(quint8(header.at(18)) | (quint8(header.at(19)) << 8), 183); // e_machine EM_AARCH64
    }

    void cleanup()
    {
        const QStringList left = VirtualRackHarness::finish(m_harness);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    }

    void arm64AgentsJoinReportRunCommandsAndShutDown()
    {
        VirtualRackHarness &rack = startRack();
        QVERIFY(rack.client && rack.rack->usesNamespaces());

        // A fresh rack: every Pi joins with the join string, then its agent connects and reports.
        QVERIFY(rack.powerOk(u"on"_s, QJsonArray {1, 2}));
        QVERIFY2(rack.waitUntil([&] { return rack.stackUp(1) && rack.stackUp(2); }, 120000),
            "the arm64 agents did not all come up");
        QCOMPARE(rack.upCount(), 6);
        for (int stack = 1; stack <= 2; ++stack) {
            for (const VirtualPi *pi : rack.stackPis(stack)) {
                // The agent process is qemu running the arm64 binary, inside the Pi's namespace.
                const qint64 pid = pi->agentProcessId();
                QVERIFY(pid > 0);
                const QString exe = QFileInfo(u"/proc/%1/exe"_s.arg(pid)).symLinkTarget();
                QVERIFY2(exe.endsWith(u"/qemu-aarch64-static"_s), qPrintable(exe));
                QFile cmdline(u"/proc/%1/cmdline"_s.arg(pid));
                QVERIFY(cmdline.open(QIODevice::ReadOnly));
                QVERIFY(cmdline.readAll().split('\0').contains(QFile::encodeName(m_agent)));
            }
        }

        // Heartbeats carry the Pi fixture's identity and metrics, read by the arm64 agent. Asked
        // again after each event from rackd (node.metrics comes with every round of heartbeats).
        QElapsedTimer waited;
        waited.start();
        int reporting = reportingNodes(rack);
        while (reporting < 6 && waited.elapsed() < 60000) {
            QSignalSpy events(rack.client.get(), &RackClient::eventReceived);
            events.wait(5000);
            reporting = reportingNodes(rack);
        }
        QVERIFY2(reporting == 6,
            qPrintable(u"%1 of 6 arm64 agents reported the fixture's model and metrics"_s.arg(reporting)));

        // exec ping and the named command uptime answer from every Pi.
        const auto ping = rack.call(u"exec"_s, {{u"action"_s, u"ping"_s}, {u"targets"_s, u"all"_s}});
        QVERIFY(ping && !ping->isError());
        QCOMPARE(ping->result.value(u"results"_s).toArray().size(), 6);
        for (const QJsonValue &result : ping->result.value(u"results"_s).toArray())
            QCOMPARE(result[u"outcome"_s].toString(), u"ok"_s);
        const auto uptime = rack.call(u"exec"_s,
            {{u"action"_s, u"run"_s}, {u"command"_s, u"uptime"_s},
                {u"targets"_s, QJsonObject {{u"stack"_s, 2}}}});
        QVERIFY(uptime && !uptime->isError());
        QCOMPARE(uptime->result.value(u"results"_s).toArray().size(), 3);
        for (const QJsonValue &result : uptime->result.value(u"results"_s).toArray()) {
            const QByteArray shown = QJsonDocument(result.toObject()).toJson();
            QVERIFY2(result[u"outcome"_s].toString() == u"ok", shown.constData());
            QVERIFY2(result[u"result"_s][u"exit_code"_s].toInt(-1) == 0, shown.constData());
            QVERIFY2(
                result[u"result"_s][u"stdout"_s].toString().contains(u"load average"_s), shown.constData());
        }

        // Graceful off: every arm64 agent shuts its Pi down, then the relays go off.
        const auto off = rack.power(u"graceful-off"_s, QJsonArray {1, 2}, {{u"timeout_s"_s, 60}});
        QVERIFY2(off && !off->isError(), off && off->error ? qPrintable(off->error->message) : "no answer");
        const QJsonArray stacks = off->result.value(u"stacks"_s).toArray();
        QCOMPARE(stacks.size(), 2);
        for (const QJsonValue &stack : stacks) {
            QCOMPARE(stack[u"relay"_s].toString(), u"off"_s);
            QCOMPARE(stack[u"nodes"_s].toArray().size(), 3);
            for (const QJsonValue &node : stack[u"nodes"_s].toArray())
                QCOMPARE(node[u"outcome"_s].toString(), u"shut down"_s);
        }
        // Each agent ran its shutdown command (the Pi halted), before its power was cut.
        for (int stack = 1; stack <= 2; ++stack) {
            for (const VirtualPi *pi : rack.stackPis(stack))
                QVERIFY(rack.seenDown.contains(pi->spec().nic.mac));
        }
        const QJsonObject channels = rack.relayFile().value(u"channels"_s).toObject();
        QCOMPARE(channels.value(u"1"_s).toBool(), false);
        QCOMPARE(channels.value(u"2"_s).toBool(), false);
    }
};

QTEST_GUILESS_MAIN(TestMixedRack)
#include "tst_mixedrack.moc"
