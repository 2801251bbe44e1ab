// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/rackclient.h"
#include "daemon.h"
#include "simulated/simulatedrelaybank.h"
#include "testfiles.h"

#include <QDir>
#include <QEventLoop>
#include <QPointer>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

/// A rack of three simulated stacks with short timings, as a structure file.
inline QByteArray simulatedRackFile(double staggerSeconds = 0.3)
{
    return "[rack]\npi_stack = 2\nrows = 1\ncols = 3\nrelay_backend = simulated\nstagger_delay = "
        + QByteArray::number(staggerSeconds)
        + "\nmin_off_time = 0.3\nmin_switch_interval = 0\n[1]\nx = 1\ny = 1\n[2]\nx = 1\ny = 2\n[3]\nx = "
          "1\ny = 3\n";
}

/// A real rackd, in this process, on an ephemeral loopback port, with its state in a temporary folder.
struct RackdFixture
{
    QTemporaryDir dir;
    QString adminToken;
    quint16 port = 0; ///< 0: any free port; a fixed one lets agents find a restarted rackd again.
    quint16 httpPort = 0; ///< The HTTPS listener's: 0 (the default here) turns it off.
    QByteArray extraConfig; ///< More [rackd] lines, appended.

    QString path(const QString &name) const { return dir.filePath(name); }

    /// A free port for the HTTPS listener (Redfish, /metrics), which is off unless one is chosen.
    bool chooseFreeHttpPort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return false;
        httpPort = probe.serverPort();
        return true;
    }

    /// A fixed free port, so that a restarted rackd is found again on the same one.
    bool chooseFreePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return false;
        port = probe.serverPort();
        return true;
    }

    /// Forgets rackd's state (a new state directory makes a new admin token).
    void forgetState()
    {
        QDir(path(QStringLiteral("state"))).removeRecursively();
        adminToken.clear();
    }

    QByteArray configFile() const
    {
        return "[rackd]\nlisten_address = 127.0.0.1\nlisten_port = " + QByteArray::number(port)
            + "\nstate_directory = state\nstructure_file = rack.ini\nboot_id_file = boot_id\n"
              "join_host = 127.0.0.1\nheartbeat_interval = 0.2\ndhcp_event_socket = dhcp-events.sock\n"
              "dnsmasq_hosts_file = dnsmasq/dhcp-hosts\ndnsmasq_names_file = dnsmasq/hosts\n"
              "dnsmasq_pid_file = off\nhttp_listen_address = 127.0.0.1\nhttp_listen_port = "
            + QByteArray::number(httpPort) + "\n" + extraConfig;
    }

    bool prepare(double staggerSeconds = 0.3)
    {
        return writeFile(path(QStringLiteral("rack.ini")), simulatedRackFile(staggerSeconds))
            && writeFile(path(QStringLiteral("boot_id")), "boot-1\n")
            && writeFile(path(QStringLiteral("rackd.conf")), configFile());
    }

    std::unique_ptr<Daemon> start(QString *error)
    {
        QStringList errors;
        const auto config = RackdConfig::readFile(path(QStringLiteral("rackd.conf")), &errors);
        if (!config) {
            *error = errors.join(u'\n');
            return nullptr;
        }
        auto daemon = std::make_unique<Daemon>(*config);
        if (!daemon->start(error))
            return nullptr;
        QFile tokenFile(path(QStringLiteral("state/initial-admin-token")));
        if (adminToken.isEmpty() && tokenFile.open(QIODevice::ReadOnly))
            adminToken = QString::fromUtf8(tokenFile.readAll()).trimmed();
        return daemon;
    }
};

inline SimulatedRelayBank *simulatedBank(const Daemon &daemon)
{
    return qobject_cast<SimulatedRelayBank *>(daemon.relayBank());
}

struct ConnectResult
{
    bool ready = false;
    QString code; ///< Why not, when not ready.
    QString reason;
};

/// Connects and waits for the welcome or the end, with a deadline.
inline ConnectResult connectClient(
    RackClient &client, const RackClient::Options &options, int timeoutMs = 15000)
{
    ConnectResult result;
    QEventLoop loop;
    const auto ready = QObject::connect(&client, &RackClient::ready, &loop, [&] {
        result.ready = true;
        loop.quit();
    });
    const auto ended = QObject::connect(
        &client, &RackClient::disconnected, &loop, [&](const QString &code, const QString &reason) {
            result.code = code;
            result.reason = reason;
            loop.quit();
        });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    client.connectToRack(options);
    loop.exec();
    QObject::disconnect(ready);
    QObject::disconnect(ended);
    return result;
}

inline ConnectResult connectClient(
    RackClient &client, quint16 port, const QString &token, const QString &pin, int timeoutMs = 15000)
{
    return connectClient(
        client, {QStringLiteral("127.0.0.1"), port, token, pin, QStringLiteral("test")}, timeoutMs);
}

/// Sends one request and waits for its reply, with a deadline.
inline std::optional<Protocol::Reply> call(
    RackClient &client, const QString &method, const QJsonObject &params = {}, int timeoutMs = 15000)
{
    // The reply may come after the deadline: it must find nothing of this frame but shared state.
    auto reply = std::make_shared<std::optional<Protocol::Reply>>();
    QEventLoop loop;
    QPointer<QEventLoop> guard(&loop);
    client.request(method, params, [reply, guard](const Protocol::Reply &answer) {
        *reply = answer;
        if (guard)
            guard->quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!*reply)
        loop.exec();
    return *reply;
}
