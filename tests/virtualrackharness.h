// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/rackclient.h"
#include "namespacenetwork.h"
#include "testfiles.h"
#include "virtualrack.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <memory>

/// A 2-stack x 3-Pi rack with quick relays, for the end-to-end tests.
inline QByteArray smallVirtualRackFile()
{
    return "[rack]\npi_stack = 3\nrows = 1\ncols = 2\nrelay_backend = simulated\nstagger_delay = 0.3\n"
           "min_off_time = 0.5\nmin_switch_interval = 0\nsubnet = 10.77.0.0/24\nmaster_address = 10.77.0.1\n"
           "first_address = 10.77.0.11\n[1]\nx = 1\ny = 1\n[2]\nx = 1\ny = 2\n";
}

/// A fresh 4-stack x 3-Pi rack for the staged install.
inline QByteArray installVirtualRackFile()
{
    return "[rack]\npi_stack = 3\nrows = 2\ncols = 2\nrelay_backend = simulated\nstagger_delay = 0.3\n"
           "min_off_time = 0.5\nmin_switch_interval = 0\nsubnet = 10.78.0.0/24\nmaster_address = 10.78.0.1\n"
           "first_address = 10.78.0.11\n[1]\nx = 1\ny = 1\n[2]\nx = 1\ny = 2\n[3]\nx = 2\ny = 1\n[4]\nx = 2\n"
           "y = 2\n";
}

/**
 * A virtual rack in a temporary folder, and a test's own admin connection to its rackd, subscribed
 * to node and relay events. waitUntil() wakes on those events and on the Pis' state changes, never
 * on a timer other than its deadline.
 */
struct VirtualRackHarness
{
    QTemporaryDir dir;
    std::unique_ptr<VirtualRack> rack;
    std::unique_ptr<RackClient> client;
    QHash<QString, QString> nodeStates; ///< MAC -> "up" / "down", from rackd's events and answers
    QList<HookMessage> dhcpEvents; ///< rackd's dhcp.* events: what dnsmasq's script told it
    QStringList seenDown; ///< MACs reported down since the list was last cleared
    QJsonObject install; ///< The staged install as rackd last announced it (install.changed)
    QList<Protocol::Event> recoveryEvents; ///< rackd's recovery.* events, in order
    QString prefix;
    QString runDirectory;

    static VirtualRackOptions quickOptions()
    {
        VirtualRackOptions options;
        options.port = 0;
        options.bootDelay = std::chrono::milliseconds(300);
        options.bootJitter = std::chrono::milliseconds(300);
        options.shutdownTime = std::chrono::milliseconds(300);
        options.heartbeatInterval = std::chrono::milliseconds(1000);
        return options;
    }

    bool start(
        VirtualRackOptions options, QString *error, const QByteArray &structure = smallVirtualRackFile())
    {
        if (options.structureFile.isEmpty()) {
            options.structureFile = dir.filePath(QStringLiteral("rack.ini"));
            if (!writeFile(options.structureFile, structure)) {
                *error = QStringLiteral("cannot write the structure file");
                return false;
            }
        }
        runDirectory = dir.filePath(QStringLiteral("run"));
        options.runDirectory = runDirectory;
        rack = std::make_unique<VirtualRack>(options);
        if (!rack->start(error))
            return false;
        prefix = rack->namespacePrefix();
        return connect(error);
    }

    /// (Re)connects the test's client, subscribes, and learns every node's state.
    bool connect(QString *error)
    {
        client = std::make_unique<RackClient>();
        QObject::connect(
            client.get(), &RackClient::eventReceived, client.get(), [this](const Protocol::Event &event) {
                if (event.name.startsWith(QStringLiteral("dhcp."))) {
                    HookMessage lease;
                    lease.kind = HookMessage::Kind::Dhcp;
                    lease.action = event.data.value(QStringLiteral("kind")).toString();
                    lease.mac = event.data.value(QStringLiteral("mac")).toString();
                    lease.address = QHostAddress(event.data.value(QStringLiteral("ip")).toString());
                    lease.hostname = event.data.value(QStringLiteral("hostname")).toString();
                    dhcpEvents.append(lease);
                    return;
                }
                if (event.name == QStringLiteral("install.changed")) {
                    install = event.data;
                    return;
                }
                if (event.name.startsWith(QStringLiteral("recovery."))) {
                    recoveryEvents.append(event);
                    return;
                }
                const QString mac = event.data.value(QStringLiteral("mac")).toString();
                if (event.name == QStringLiteral("node.up"))
                    nodeStates.insert(mac, QStringLiteral("up"));
                else if (event.name == QStringLiteral("node.down")) {
                    nodeStates.insert(mac, QStringLiteral("down"));
                    seenDown.append(mac);
                }
            });
        QEventLoop loop;
        bool ready = false;
        QObject::connect(client.get(), &RackClient::ready, &loop, [&] {
            ready = true;
            loop.quit();
        });
        QObject::connect(client.get(), &RackClient::disconnected, &loop, &QEventLoop::quit);
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        client->connectToRack({QStringLiteral("127.0.0.1"), rack->port(), rack->adminToken(),
            rack->fingerprint(), QStringLiteral("test")});
        loop.exec();
        if (!ready) {
            *error = QStringLiteral("the test could not connect to rackd");
            return false;
        }
        const std::optional<Protocol::Reply> subscribed = call(QStringLiteral("subscribe"),
            {{QStringLiteral("events"),
                QJsonArray {QStringLiteral("node"), QStringLiteral("relay"), QStringLiteral("dhcp"),
                    QStringLiteral("install"), QStringLiteral("recovery")}}});
        const std::optional<Protocol::Reply> nodes = call(QStringLiteral("nodes"));
        if (!subscribed || subscribed->isError() || !nodes || nodes->isError()) {
            *error = QStringLiteral("subscribe / nodes failed");
            return false;
        }
        nodeStates.clear();
        for (const QJsonValue &node : nodes->result.value(QStringLiteral("nodes")).toArray())
            nodeStates.insert(
                node[QStringLiteral("mac")].toString(), node[QStringLiteral("state")].toString());
        return true;
    }

    std::optional<Protocol::Reply> call(
        const QString &method, const QJsonObject &params = {}, int timeoutMs = 60000)
    {
        auto reply = std::make_shared<std::optional<Protocol::Reply>>();
        QEventLoop loop;
        QPointer<QEventLoop> guard(&loop);
        client->request(method, params, [reply, guard](const Protocol::Reply &answer) {
            *reply = answer;
            if (guard)
                guard->quit();
        });
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        if (!*reply)
            loop.exec();
        return *reply;
    }

    std::optional<Protocol::Reply> power(
        const QString &action, const QJsonValue &stacks, QJsonObject extra = {})
    {
        extra.insert(QStringLiteral("action"), action);
        extra.insert(QStringLiteral("stacks"), stacks);
        return call(QStringLiteral("power"), extra, 120000);
    }

    /// The power request succeeded (every relay did what was asked).
    bool powerOk(const QString &action, const QJsonValue &stacks)
    {
        const std::optional<Protocol::Reply> reply = power(action, stacks);
        if (reply && reply->isError())
            qWarning().noquote() << "power" << action << "failed:" << reply->error->message;
        return reply && !reply->isError();
    }

    /// Waits, with a deadline, until `condition` holds; re-checked on every event and Pi state change.
    bool waitUntil(const std::function<bool()> &condition, int timeoutMs)
    {
        if (condition())
            return true;
        QEventLoop loop;
        const auto check = [&] {
            if (condition())
                loop.quit();
        };
        QObject::connect(client.get(), &RackClient::eventReceived, &loop, check);
        QObject::connect(rack.get(), &VirtualRack::piStateChanged, &loop, check);
        QObject::connect(rack.get(), &VirtualRack::dhcpEvent, &loop, check, Qt::QueuedConnection);
        QObject::connect(rack.get(), &VirtualRack::relaySwitched, &loop, check);
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
        return condition();
    }

    /// Waits until the install (the one with `id`, when given: not an earlier one's last word) is over
    /// or waits for the operator; its outcome then ("" on timeout).
    QString waitForInstall(int timeoutMs, const QString &id = {})
    {
        const auto current
            = [this, &id] { return id.isEmpty() || install.value(QStringLiteral("id")).toString() == id; };
        const auto outcome = [this] { return install.value(QStringLiteral("outcome")).toString(); };
        const bool over = waitUntil(
            [&] { return current() && !outcome().isEmpty() && outcome() != QStringLiteral("running"); },
            timeoutMs);
        if (!over) {
            // Where it stands, for the failure that follows: which stack, doing what, since when.
            qWarning().noquote() << "the install is not over after" << timeoutMs << "ms; last announced:"
                                 << QJsonDocument(install).toJson(QJsonDocument::Compact);
        }
        return !current() || outcome() == QStringLiteral("running") ? QString() : outcome();
    }

    /// One stack of the install as last announced.
    QJsonObject installStack(int id) const
    {
        for (const QJsonValue &stack : install.value(QStringLiteral("stacks")).toArray()) {
            if (stack[QStringLiteral("id")].toInt() == id)
                return stack.toObject();
        }
        return {};
    }

    QList<VirtualPi *> stackPis(int stack) const
    {
        QList<VirtualPi *> pis;
        for (VirtualPi *pi : rack->pis()) {
            if (pi->spec().place.stack == stack)
                pis.append(pi);
        }
        return pis;
    }

    bool stackUp(int stack) const
    {
        for (const VirtualPi *pi : stackPis(stack)) {
            if (nodeStates.value(pi->spec().nic.mac) != QStringLiteral("up"))
                return false;
        }
        return true;
    }

    /// For a failure message: the Pis not up, each with the end of its agent's log, and rackd's.
    QString notUpReport() const
    {
        const auto tail = [](const QString &file) -> QString {
            QFile log(file);
            if (!log.open(QIODevice::ReadOnly))
                return QStringLiteral("    (no %1)").arg(file);
            const QStringList lines
                = QString::fromUtf8(log.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            return QStringLiteral("    ")
                + lines.mid(std::max<qsizetype>(0, lines.size() - 6)).join(QStringLiteral("\n    "));
        };
        QStringList report;
        for (const VirtualPi *pi : rack->pis()) {
            if (nodeStates.value(pi->spec().nic.mac) == QStringLiteral("up"))
                continue;
            report.append(QStringLiteral("%1 (%2) is %3 here; its agent's log ends:")
                              .arg(pi->spec().fixedName, pi->spec().nic.mac,
                                  nodeStates.value(pi->spec().nic.mac, QStringLiteral("unknown"))));
            report.append(tail(
                QDir(runDirectory).filePath(QStringLiteral("pis/%1/agent.log").arg(pi->spec().fixedName))));
        }
        report.append(QStringLiteral("rackd's log ends:"));
        report.append(tail(QDir(runDirectory).filePath(QStringLiteral("logs/rackd.log"))));
        return report.join(QLatin1Char('\n'));
    }

    int upCount() const
    {
        int up = 0;
        for (const QString &state : nodeStates)
            up += state == QStringLiteral("up") ? 1 : 0;
        return up;
    }

    /// The simulated relays as rackd last saved them: channel -> on, and the switch counter.
    QJsonObject relayFile() const
    {
        QFile file(rack->relayStateFile());
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(file.readAll()).object();
    }

    /// The network namespaces whose names start with `prefix` (none for an empty prefix).
    static QStringList namespacesWith(const QString &prefix)
    {
        QStringList found;
        if (prefix.isEmpty())
            return found;
        QProcess ip;
        ip.start(QStringLiteral("ip"), {QStringLiteral("netns"), QStringLiteral("list")});
        ip.waitForFinished(10000);
        for (const QByteArray &line : ip.readAllStandardOutput().split('\n')) {
            if (line.startsWith(prefix.toUtf8()))
                found.append(QString::fromUtf8(line.split(' ').constFirst()));
        }
        return found;
    }

    /// Every process whose command line names `runDirectory` (rackd, dnsmasq, udhcpc, agents), with it.
    static QStringList processesUsing(const QString &runDirectory)
    {
        QStringList found;
        for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
            QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
            if (pid.toInt() <= 0 || !cmdline.open(QIODevice::ReadOnly))
                continue;
            const QByteArray text = cmdline.readAll().replace('\0', ' ');
            if (text.contains(runDirectory.toUtf8()))
                found.append(QStringLiteral("process %1: %2").arg(pid, QString::fromUtf8(text)));
        }
        return found;
    }

    /// For a test's cleanup(): stops the rack, if any, and returns what it left behind.
    static QStringList finish(std::unique_ptr<VirtualRackHarness> &harness)
    {
        if (!harness)
            return {};
        const QStringList left = harness->stopAndListLeftovers();
        harness.reset();
        return left;
    }

    /// Stops everything and says what, if anything, was left behind.
    QStringList stopAndListLeftovers()
    {
        client.reset();
        rack.reset();
        QStringList left;
        for (const QString &name : namespacesWith(prefix))
            left.append(QStringLiteral("namespace ") + name);
        if (!prefix.isEmpty()
            && QFile::exists(
                QDir(NamespaceNetwork::manifestDirectory()).filePath(prefix + QStringLiteral(".json"))))
            left.append(QStringLiteral("the manifest of ") + prefix);
        return left + processesUsing(runDirectory);
    }
};
