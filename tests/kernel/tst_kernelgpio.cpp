// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Runs only inside the kernel test's guest (scripts/kernel-test.sh): a booted Debian kernel with
// gpio-sim, the host's systemd as PID 1, and this build's rackd installed as /usr/sbin/rackd with
// the packaged rackd.service. It drives real kernel GPIO lines with the production backend and
// reads what the outside world sees of them in gpio-sim's sysfs files.
#include "gpio/gpiolinedriver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace {

// The reference rack's four relay lines (BCM 18, 25, 12, 21), stacks 1 to 4.
const QList<int> stackLines {18, 25, 12, 21};
constexpr int chipLines = 28; // a Pi's header
const QString configPath = u"/etc/pirack/rackd.conf"_s;
const QString structurePath = u"/etc/pirack/structure_rack.ini"_s;
const QString simFolder = u"/sys/kernel/config/gpio-sim/rack"_s;
constexpr int staggerMs = 1500;

struct Run
{
    int exitCode = -1;
    QString output;
};

Run run(const QString &program, const QStringList &arguments, int timeoutMs = 60000)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {-1, u"%1 %2 did not finish within %3 ms"_s.arg(program, arguments.join(u' ')).arg(timeoutMs)};
    }
    const QString output = QString::fromUtf8(process.readAll());
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, output};
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size()
        && file.flush();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray();
}

template<typename Condition>
bool waitUntil(Condition condition, std::chrono::milliseconds timeout)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeout.count())
            return false;
        QTest::qWait(100);
    }
    return true;
}

/**
 * Reads every relay line's level, as gpio-sim shows it to the outside, in a tight loop on its own
 * thread, and records every change with its time.
 */
class LineSampler
{
public:
    struct Change
    {
        int line = 0;
        char level = '?';
        qint64 atMs = 0;
    };

    explicit LineSampler(const QString &chipFolder)
    {
        for (int line : stackLines) {
            const QByteArray path = QFile::encodeName(u"%1/sim_gpio%2/value"_s.arg(chipFolder).arg(line));
            m_fds.append(open(path.constData(), O_RDONLY | O_CLOEXEC));
        }
    }
    ~LineSampler()
    {
        stop();
        for (int fd : std::as_const(m_fds))
            if (fd >= 0)
                close(fd);
    }

    bool isValid() const { return !m_fds.contains(-1); }

    void start()
    {
        m_changes.clear();
        m_samples = 0;
        m_running = true;
        m_clock.start();
        m_last = levels();
        m_thread = std::thread([this] {
            while (m_running.load()) {
                const QByteArray now = levels();
                ++m_samples;
                for (int index = 0; index < now.size(); ++index) {
                    if (now[index] != m_last[index]) {
                        std::lock_guard lock(m_mutex);
                        m_changes.append({stackLines.at(index), now[index], m_clock.elapsed()});
                    }
                }
                m_last = now;
            }
        });
    }

    void stop()
    {
        m_running = false;
        if (m_thread.joinable())
            m_thread.join();
    }

    /// One character per stack line, '0' or '1'.
    QByteArray levels() const
    {
        QByteArray result;
        for (int fd : m_fds) {
            char value[2] = {'?', '\n'};
            result.append(pread(fd, value, sizeof value, 0) > 0 ? value[0] : '?');
        }
        return result;
    }

    QList<Change> changes()
    {
        std::lock_guard lock(m_mutex);
        return m_changes;
    }
    qint64 samples() const { return m_samples.load(); }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    static QString describe(const QList<Change> &changes)
    {
        QStringList parts;
        for (const Change &change : changes)
            parts.append(u"line %1 -> %2 at %3 ms"_s.arg(change.line)
                             .arg(QChar::fromLatin1(change.level))
                             .arg(change.atMs));
        return parts.isEmpty() ? u"none"_s : parts.join(u", "_s);
    }

private:
    QList<int> m_fds;
    std::thread m_thread;
    std::atomic<bool> m_running {false};
    std::atomic<qint64> m_samples {0};
    QElapsedTimer m_clock;
    QByteArray m_last;
    std::mutex m_mutex;
    QList<Change> m_changes;
};

} // namespace

class TestKernelGpio : public QObject
{
    Q_OBJECT

    QString m_buildDir;
    QString m_chipName; ///< gpiochipN
    QString m_chipFolder; ///< /sys/devices/platform/gpio-sim.0/gpiochipN
    QString m_fingerprint;
    std::unique_ptr<LineSampler> m_sampler;

    static QByteArray structure(bool activeLow, const QString &chip, int stack4Line = 21)
    {
        return u"[rack]\npi_stack = 1\nrows = 1\ncols = 4\nrelay_backend = gpio\ngpio_chip = %1\n"
               "active_low = %2\nstagger_delay = %3\nmin_off_time = 1\nmin_switch_interval = 0\n"
               "[1]\nx = 1\ny = 1\n[2]\nx = 1\ny = 2\n[3]\nx = 1\ny = 3\n[4]\nx = 1\ny = 4\nrelay_channel = %4\n"_s
                   .arg(chip, activeLow ? u"true"_s : u"false"_s)
                   .arg(staggerMs / 1000.0)
                   .arg(stack4Line)
                   .toUtf8();
    }

    static QByteArray config(const QString &stateDirectory, int port, const QString &structureFile)
    {
        return u"[rackd]\nlisten_address = 127.0.0.1\nlisten_port = %1\nstate_directory = %2\nstructure_file "
               u"= %3\n"
               "dhcp_event_socket =\ndnsmasq_pid_file =\n"_s.arg(port)
                   .arg(stateDirectory, structureFile)
                   .toUtf8();
    }

    Run rackctl(const QStringList &arguments)
    {
        return run(m_buildDir + u"/rackd/rackctl"_s,
            QStringList {u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"7420"_s, u"--token-file"_s,
                u"/var/lib/pirack/initial-admin-token"_s, u"--known-racks"_s, u"/tmp/known-racks.json"_s,
                u"--trust-fingerprint"_s, m_fingerprint}
                + arguments);
    }

    Run systemctl(const QStringList &arguments) { return run(u"/bin/systemctl"_s, arguments); }

    QString serviceProperty(const QString &name)
    {
        return systemctl({u"show"_s, u"rackd"_s, u"-p"_s, name, u"--value"_s}).output.trimmed();
    }

    /// rackd answers on its API (after a start, a restart or systemd's restart after a crash).
    bool rackdAnswers()
    {
        return waitUntil(
            [this] {
                if (m_fingerprint.isEmpty()) {
                    if (!QFile::exists(u"/var/lib/pirack/initial-admin-token"_s))
                        return false;
                    const Run fingerprint
                        = run(u"/usr/sbin/rackd"_s, {u"--config"_s, configPath, u"--fingerprint"_s});
                    m_fingerprint = fingerprint.exitCode == 0 ? fingerprint.output.trimmed() : QString();
                }
                return rackctl({u"status"_s}).exitCode == 0;
            },
            90s);
    }

    QString simAttribute(int line, const QString &attribute) const
    {
        return u"%1/sim_gpio%2/%3"_s.arg(m_chipFolder).arg(line).arg(attribute);
    }

    /// Each line's pull is set against the level rackd holds, so that a released line shows.
    void pullAgainstHeldLevels()
    {
        const QByteArray levels = m_sampler->levels();
        for (int index = 0; index < stackLines.size(); ++index)
            QVERIFY(writeFile(simAttribute(stackLines.at(index), u"pull"_s),
                levels.at(index) == '0' ? "pull-up" : "pull-down"));
    }

    /// Which lines are requested, by whom, as the kernel says.
    QMap<int, QByteArray> lineConsumers()
    {
        LinuxGpioLineDriver driver;
        int error = 0;
        QMap<int, QByteArray> consumers;
        if (!driver.openChip(m_chipName, &error))
            return consumers;
        for (int line : stackLines) {
            const auto info = driver.lineInfo(unsigned(line), &error);
            if (info && info->used)
                consumers.insert(line, info->consumer);
        }
        return consumers;
    }

    /// A configuration for rackd outside systemd (no keeper), with its own state and port.
    static QString prepareDirectRun(const QByteArray &structureFile)
    {
        QDir(u"/tmp/direct"_s).removeRecursively();
        QDir().mkpath(u"/tmp/direct/state"_s);
        writeFile(u"/tmp/direct/structure.ini"_s, structureFile);
        writeFile(u"/tmp/direct/rackd.conf"_s,
            config(u"/tmp/direct/state"_s, 7421, u"/tmp/direct/structure.ini"_s));
        return u"/tmp/direct/rackd.conf"_s;
    }

    /// Runs rackd outside systemd until it exits; returns its output.
    Run runRackdDirectly(const QByteArray &structureFile, int timeoutMs = 60000)
    {
        return run(u"/usr/sbin/rackd"_s, {u"--config"_s, prepareDirectRun(structureFile)}, timeoutMs);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_buildDir = qEnvironmentVariable("PIRACK_BUILD_DIR");
        QVERIFY2(!m_buildDir.isEmpty() && qEnvironmentVariableIsSet("PIRACK_KERNEL_TEST"),
            "this test runs inside the kernel test's guest: scripts/kernel-test.sh");
        qInfo().noquote() << "kernel" << readFile(u"/proc/sys/kernel/osrelease"_s) << "- up"
                          << readFile(u"/proc/uptime"_s).split(' ').value(0) << "s";

        // The package's postinst as it ships: the system user, the group gpio, the state folder,
        // rackctl's alternative, and udev told to apply the package's rule. udevd read that rule at
        // boot (scripts/kernel-test.sh puts it where the package does) while the group did not exist
        // yet, as it does when the package is installed on plain Debian.
        const Run udev = systemctl({u"is-active"_s, u"systemd-udevd"_s});
        QVERIFY2(udev.exitCode == 0, qPrintable(u"systemd-udevd: "_s + udev.output));
        QVERIFY(QFile::exists(u"/lib/udev/rules.d/60-pirack-gpio.rules"_s));
        QVERIFY(QDir().mkpath(u"/usr/lib/pirack-rackd"_s));
        QVERIFY(QFile::copy(m_buildDir + u"/rackd/rackctl"_s, u"/usr/lib/pirack-rackd/rackctl"_s));
        const Run postinst = run(u"/bin/sh"_s,
            {QStringLiteral(PIRACK_SOURCE_DIR "/debian/pirack-rackd.postinst"), u"configure"_s});
        QVERIFY2(postinst.exitCode == 0, qPrintable(u"postinst configure: "_s + postinst.output));
        QCOMPARE(QFileInfo(u"/var/lib/pirack"_s).owner(), u"pirack"_s);

        // A gpio-sim chip with a Pi header's 28 lines; the line names are the header's.
        if (!QFile::exists(u"/sys/kernel/config/gpio-sim"_s))
            QCOMPARE(
                run(u"/bin/mount"_s, {u"-t"_s, u"configfs"_s, u"none"_s, u"/sys/kernel/config"_s}).exitCode,
                0);
        QVERIFY(QDir().mkpath(simFolder + u"/bank0"_s));
        QVERIFY(writeFile(simFolder + u"/bank0/num_lines"_s, QByteArray::number(chipLines)));
        for (int line : stackLines) {
            QVERIFY(QDir().mkpath(simFolder + u"/bank0/line%1"_s.arg(line)));
            QVERIFY(
                writeFile(simFolder + u"/bank0/line%1/name"_s.arg(line), "GPIO" + QByteArray::number(line)));
        }
        QVERIFY(writeFile(simFolder + u"/live"_s, "1"));
        const QString device = QString::fromLatin1(readFile(simFolder + u"/dev_name"_s));
        const QStringList chips
            = QDir(u"/sys/devices/platform/"_s + device).entryList({u"gpiochip*"_s}, QDir::Dirs);
        QCOMPARE(chips.size(), 1);
        m_chipName = chips.at(0);
        m_chipFolder = u"/sys/devices/platform/%1/%2"_s.arg(device, m_chipName);
        qInfo().noquote() << "gpio-sim chip" << m_chipName << "at" << m_chipFolder;

        // The package's udev rule gives the chip to the group gpio, which rackd.service joins.
        if (!waitUntil([this] { return QFileInfo(u"/dev/"_s + m_chipName).group() == u"gpio"_s; }, 20s)) {
            const QString diagnosis = run(u"/bin/udevadm"_s, {u"info"_s, u"/dev/"_s + m_chipName}).output
                + run(u"/bin/journalctl"_s, {u"-b"_s, u"-u"_s, u"systemd-udevd"_s, u"--no-pager"_s}).output
                + run(u"/bin/ls"_s, {u"-l"_s, u"/etc/udev/rules.d"_s, u"/dev/"_s + m_chipName}).output;
            QFAIL(qPrintable(u"/dev/%1 belongs to group %2, not gpio: the udev rule did not apply\n%3"_s.arg(
                m_chipName, QFileInfo(u"/dev/"_s + m_chipName).group(), diagnosis)));
        }

        m_sampler = std::make_unique<LineSampler>(m_chipFolder);
        QVERIFY(m_sampler->isValid());
        QCOMPARE(m_sampler->levels(), QByteArray("0000")); // gpio-sim's default pull is down

        // rackd as the package installs it.
        QVERIFY(QDir().mkpath(u"/etc/pirack"_s));
        QVERIFY(writeFile(structurePath, structure(true, m_chipName)));
        QVERIFY(writeFile(configPath, config(u"/var/lib/pirack"_s, 7420, structurePath)));
        QFile::remove(u"/usr/sbin/rackd"_s);
        QVERIFY(QFile::copy(m_buildDir + u"/rackd/rackd"_s, u"/usr/sbin/rackd"_s));
        QVERIFY(QFile::copy(QStringLiteral(PIRACK_SOURCE_DIR "/resources/systemd/rackd.service"),
            u"/etc/systemd/system/rackd.service"_s));
        QCOMPARE(systemctl({u"daemon-reload"_s}).exitCode, 0);
    }

    void activeLowLinesCarryTheRackdConsumer()
    {
        const Run start = systemctl({u"start"_s, u"rackd"_s});
        QVERIFY2(start.exitCode == 0, qPrintable(start.output));
        QVERIFY2(rackdAnswers(), qPrintable(systemctl({u"status"_s, u"rackd"_s, u"--no-pager"_s}).output));
        // Every stack off, active-low: every line high.
        QCOMPARE(m_sampler->levels(), QByteArray("1111"));
        const QMap<int, QByteArray> consumers = lineConsumers();
        QCOMPARE(consumers.size(), 4);
        for (int line : stackLines)
            QCOMPARE(consumers.value(line), QByteArray("rackd"));
        // Each line's request is in systemd's store.
        QCOMPARE(serviceProperty(u"NFileDescriptorStore"_s), u"4"_s);
    }

    void powerOnOffAndCycleMoveOnlyTheirStacksLine()
    {
        m_sampler->start();
        Run result = rackctl({u"power"_s, u"on"_s, u"2"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(result.output));
        QCOMPARE(m_sampler->levels(), QByteArray("1011")); // stack 2 on: line 25 low
        result = rackctl({u"power"_s, u"off"_s, u"2"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(result.output));
        QCOMPARE(m_sampler->levels(), QByteArray("1111"));
        result = rackctl({u"power"_s, u"on"_s, u"3"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(result.output));
        result = rackctl({u"power"_s, u"cycle"_s, u"3"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(result.output));
        m_sampler->stop();
        const QList<LineSampler::Change> changes = m_sampler->changes();
        qInfo().noquote() << "on/off/cycle:" << LineSampler::describe(changes);
        // Line 25 down and up; line 12 down, up (the cycle's off) and down again; nothing else.
        QCOMPARE(changes.size(), 5);
        const QList<QPair<int, char>> expected {{25, '0'}, {25, '1'}, {12, '0'}, {12, '1'}, {12, '0'}};
        for (int index = 0; index < expected.size(); ++index) {
            QCOMPARE(changes.at(index).line, expected.at(index).first);
            QCOMPARE(changes.at(index).level, expected.at(index).second);
        }
        // The cycle kept the stack off for min_off_time (1 s).
        QVERIFY2(changes.at(4).atMs - changes.at(3).atMs >= 950, qPrintable(LineSampler::describe(changes)));
    }

    void staggeredPowerOnReachesTheLinesInOrder()
    {
        QCOMPARE(rackctl({u"power"_s, u"off"_s, u"all"_s}).exitCode, 0);
        QCOMPARE(m_sampler->levels(), QByteArray("1111"));
        QTest::qWait(1100); // min_off_time
        m_sampler->start();
        const Run result = rackctl({u"power"_s, u"on"_s, u"all"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(result.output));
        QVERIFY(waitUntil([this] { return m_sampler->levels() == "0000"; }, 30s));
        m_sampler->stop();
        const QList<LineSampler::Change> changes = m_sampler->changes();
        qInfo().noquote() << "staggered on (stagger_delay" << staggerMs
                          << "ms):" << LineSampler::describe(changes);
        QCOMPARE(changes.size(), 4);
        for (int index = 0; index < 4; ++index) {
            QCOMPARE(changes.at(index).line, stackLines.at(index));
            QCOMPARE(changes.at(index).level, '0');
            if (index > 0) {
                const qint64 gap = changes.at(index).atMs - changes.at(index - 1).atMs;
                QVERIFY2(gap >= staggerMs - 100 && gap <= staggerMs + 3000,
                    qPrintable(u"%1 ms between stacks %2 and %3"_s.arg(gap).arg(index).arg(index + 1)));
            }
        }
    }

    void restartsCrashesAndUpgradesNeverReleaseALine()
    {
        // Stacks 1 and 3 on, 2 and 4 off; every line pulled the other way, so that a release shows.
        QCOMPARE(rackctl({u"power"_s, u"off"_s, u"2"_s, u"4"_s}).exitCode, 0);
        QCOMPARE(m_sampler->levels(), QByteArray("0101"));
        pullAgainstHeldLevels();

        struct Case
        {
            QString name;
            std::function<bool()> act;
        };
        const QList<Case> cases {
            {u"systemctl restart"_s,
                [this] {
                    return systemctl({u"restart"_s, u"rackd"_s}).exitCode == 0;
                }},
            {u"SIGKILL"_s,
                [this] {
                    const QString before = serviceProperty(u"NRestarts"_s);
                    return systemctl({u"kill"_s, u"--signal=KILL"_s, u"rackd"_s}).exitCode == 0
                        && waitUntil([&] { return serviceProperty(u"NRestarts"_s) != before; }, 30s);
                }},
            {u"upgrade (new binary, daemon-reload, restart)"_s,
                [this] {
                    // What dpkg and the package's postinst do: the new file renamed over the old one,
                    // systemd told to read the units again, the service restarted.
                    QFile::remove(u"/usr/sbin/rackd.dpkg-new"_s);
                    return QFile::copy(m_buildDir + u"/rackd/rackd"_s, u"/usr/sbin/rackd.dpkg-new"_s)
                        && std::rename("/usr/sbin/rackd.dpkg-new", "/usr/sbin/rackd") == 0
                        && systemctl({u"daemon-reload"_s}).exitCode == 0
                        && systemctl({u"restart"_s, u"rackd"_s}).exitCode == 0;
                }},
            {u"systemd re-executed (as when systemd itself is upgraded), then restart"_s,
                [this] {
                    // The store must survive systemd serialising its state and starting itself anew.
                    return systemctl({u"daemon-reexec"_s}).exitCode == 0
                        && systemctl({u"restart"_s, u"rackd"_s}).exitCode == 0;
                }},
        };
        for (const Case &testCase : cases) {
            const QString pidBefore = serviceProperty(u"MainPID"_s);
            m_sampler->start();
            QVERIFY2(testCase.act(), qPrintable(testCase.name));
            QVERIFY2(rackdAnswers(), qPrintable(testCase.name));
            m_sampler->stop();
            const QString pidAfter = serviceProperty(u"MainPID"_s);
            QVERIFY2(pidAfter != pidBefore, qPrintable(u"%1: rackd was not replaced"_s.arg(testCase.name)));
            const QList<LineSampler::Change> changes = m_sampler->changes();
            qInfo().noquote() << testCase.name << "- rackd" << pidBefore << "->" << pidAfter << ":"
                              << m_sampler->samples() << "samples of the 4 lines in" << m_sampler->elapsedMs()
                              << "ms, transitions:" << LineSampler::describe(changes);
            QVERIFY2(changes.isEmpty(),
                qPrintable(u"%1: %2"_s.arg(testCase.name, LineSampler::describe(changes))));
            QVERIFY(m_sampler->samples() > 100);
            QCOMPARE(m_sampler->levels(), QByteArray("0101"));
            QCOMPARE(rackctl({u"status"_s}).exitCode, 0);
        }
    }

    void stoppingTheServiceLetsGoOfTheLines()
    {
        // systemd 252 empties the store on stop: every line returns to its pull. This is also what
        // the sampler would have seen above, had a line been released.
        m_sampler->start();
        QCOMPARE(systemctl({u"stop"_s, u"rackd"_s}).exitCode, 0);
        QVERIFY(waitUntil([this] { return m_sampler->changes().size() >= 4; }, 20s));
        m_sampler->stop();
        qInfo().noquote() << "systemctl stop:" << LineSampler::describe(m_sampler->changes());
        QCOMPARE(m_sampler->levels(), QByteArray("1010"));
        QVERIFY(lineConsumers().isEmpty());
    }

    void withoutSystemdAKillReleasesTheLinesAndRackdSaysSo()
    {
        // rackd started by hand: nothing keeps its lines, and on this kernel (like mainline Linux on a
        // Pi 1-4) a released line returns to its pull. rackd says so as it starts.
        for (int line : stackLines)
            QVERIFY(writeFile(simAttribute(line, u"pull"_s), "pull-down"));
        QProcess rackd;
        rackd.setProcessChannelMode(QProcess::MergedChannels);
        rackd.start(u"/usr/sbin/rackd"_s, {u"--config"_s, prepareDirectRun(structure(true, m_chipName))});
        QVERIFY(waitUntil([this] { return lineConsumers().size() == 4; }, 30s));
        QByteArray output;
        QVERIFY2(waitUntil(
                     [&] {
                         output += rackd.readAll();
                         return output.contains("let go whenever rackd stops, restarts or crashes");
                     },
                     10s),
            output.constData());
        QCOMPARE(m_sampler->levels(), QByteArray("1111"));
        m_sampler->start();
        rackd.kill();
        QVERIFY(rackd.waitForFinished(10000));
        QVERIFY(waitUntil([this] { return m_sampler->changes().size() >= 4; }, 10s));
        m_sampler->stop();
        qInfo().noquote() << "rackd without systemd, SIGKILL:" << LineSampler::describe(m_sampler->changes());
        QCOMPARE(m_sampler->levels(), QByteArray("0000"));
    }

    void aLineHeldByAnotherProcessIsNamedAndNothingIsDriven()
    {
        LinuxGpioLineDriver other;
        int error = 0;
        QVERIFY(other.openChip(m_chipName, &error));
        const int fan = other.requestOutput(25, false, false, "gpio-fan", &error);
        QVERIFY2(fan >= 0, strerror(error));
        m_sampler->start();
        const Run result = runRackdDirectly(structure(true, m_chipName));
        m_sampler->stop();
        other.closeRequest(fan);
        QVERIFY2(result.exitCode != 0, qPrintable(result.output));
        QVERIFY2(result.output.contains(
                     u"line 25 of %1 (stack 2) is already in use by \"gpio-fan\""_s.arg(m_chipName)),
            qPrintable(result.output));
        QCOMPARE(m_sampler->changes().size(), 0); // no other line was driven, not even for an instant
        QVERIFY(lineConsumers().isEmpty());
    }

    void aMissingChipOrLineIsAClearErrorAndDrivesNothing()
    {
        m_sampler->start();
        Run result = runRackdDirectly(structure(true, u"gpiochip9"_s));
        QVERIFY2(result.exitCode != 0, qPrintable(result.output));
        QVERIFY2(result.output.contains(u"cannot open the GPIO chip gpiochip9: No such file or directory"_s),
            qPrintable(result.output));
        result = runRackdDirectly(structure(true, m_chipName, 40));
        QVERIFY2(result.exitCode != 0, qPrintable(result.output));
        QVERIFY2(result.output.contains(
                     u"there is no line 40 of %1 (stack 4): the chip has %2 lines, 0 to %3"_s.arg(m_chipName)
                         .arg(chipLines)
                         .arg(chipLines - 1)),
            qPrintable(result.output));
        m_sampler->stop();
        QCOMPARE(m_sampler->changes().size(), 0);
        QVERIFY(lineConsumers().isEmpty());
    }

    void activeHighWiringDrivesTheLinesTheOtherWay()
    {
        QVERIFY(writeFile(structurePath, structure(false, m_chipName)));
        QCOMPARE(systemctl({u"start"_s, u"rackd"_s}).exitCode, 0);
        QVERIFY(rackdAnswers());
        // The saved states (1 and 3 on) come back, now as high lines.
        QCOMPARE(m_sampler->levels(), QByteArray("1010"));
        QCOMPARE(rackctl({u"power"_s, u"on"_s, u"2"_s}).exitCode, 0);
        QCOMPARE(m_sampler->levels(), QByteArray("1110"));
        QCOMPARE(rackctl({u"power"_s, u"off"_s, u"1"_s}).exitCode, 0);
        QCOMPARE(m_sampler->levels(), QByteArray("0110"));
        LinuxGpioLineDriver driver;
        int error = 0;
        QVERIFY(driver.openChip(m_chipName, &error));
        const auto info = driver.lineInfo(18, &error);
        QVERIFY(info && info->used && info->output && !info->activeLow);
        QCOMPARE(info->consumer, QByteArray("rackd"));
        QCOMPARE(systemctl({u"stop"_s, u"rackd"_s}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestKernelGpio)
#include "tst_kernelgpio.moc"
