// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/rackclient.h"
#include "hookmessage.h"
#include "racknetwork.h"
#include "structure/rackstructure.h"
#include "virtualpi.h"
#include "virtualrackoptions.h"

#include <QDateTime>
#include <QFileSystemWatcher>
#include <QLocalServer>
#include <QPointer>
#include <QProcess>
#include <QTimer>
#include <memory>

/**
 * A rack of virtual Pis around a real rackd with simulated relays (see docs/virtual-rack.md).
 * rackd writes the simulated relays' state to a file; the virtual rack watches that file and
 * gives or cuts each stack's Pis their power, so the rack behaves as the wiring says. start()
 * builds everything and returns when rackd answers; stop() (or the destructor) removes all of it.
 */
class VirtualRack : public QObject, public VirtualPiHost
{
    Q_OBJECT

public:
    explicit VirtualRack(VirtualRackOptions options, QObject *parent = nullptr);
    ~VirtualRack() override;

    bool start(QString *error);
    void stop();

    QString modeDescription() const;
    bool usesNamespaces() const { return m_usesNamespaces; }
    /// The unique prefix of this run's namespaces (namespace mode).
    QString namespacePrefix() const { return m_namespacePrefix; }
    const RackStructure &structure() const { return m_structure; }
    /// rackd answers on 127.0.0.1 at this port.
    quint16 port() const { return m_hostPort; }
    /// Where rackd's HTTPS listener answers on 127.0.0.1 (0: off).
    quint16 httpPort() const { return m_httpPort; }
    QString fingerprint() const { return m_fingerprint; }
    QString adminToken() const { return m_adminToken; }
    QString adminTokenFile() const;
    QString relayStateFile() const;
    QString rackdLogFile() const;
    QString dhcpLeaseFile() const;
    QList<VirtualPi *> pis() const { return m_pis; }
    VirtualPi *pi(PiPlace place) const;
    VirtualPi *pi(const QString &name) const;

    /// rackd dies at once (SIGKILL), as in a crash; the Pis and the relays stay as they are.
    void killRackd();
    /// Starts rackd and waits until it answers (also after killRackd()).
    bool startRackd(QString *error);

    // VirtualPiHost
    RackNetwork *network() const override { return m_network.get(); }
    const VirtualRackOptions &options() const override { return m_options; }
    QString joinString() const override { return m_joinString; }
    void place(const QString &mac, PiPlace place, std::function<void()> done) override;
    QStringList agentCommand() const override
    {
        return m_options.agentWrapper + QStringList {m_agentProgram};
    }
    QString hookProgram() const override { return m_hookProgram; }
    QString controlSocket() const override;
    /// rackd's socket for dnsmasq's DHCP script.
    QString dhcpEventSocket() const;

    /// A relay that changed while the rack ran, as the Pis felt it (the simulated relays' file).
    struct RelaySwitch
    {
        int stack = 0;
        bool on = false;
        QDateTime at;
    };
    /// Every switch of a relay since start(), oldest first: what rackd really did to the power.
    QList<RelaySwitch> relaySwitchLog() const { return m_switchLog; }
    /// Forgets the switches so far (a test's own power-on), so what follows is what rackd did by itself.
    void clearRelaySwitchLog() { m_switchLog.clear(); }
    /// The switches of one stack's relay, as "off"/"on" words in order.
    QStringList relaySwitches(int stack) const
    {
        QStringList words;
        for (const RelaySwitch &change : m_switchLog) {
            if (change.stack == stack)
                words.append(change.on ? QStringLiteral("on") : QStringLiteral("off"));
        }
        return words;
    }

    /// The MAC a virtual Pi has: fixed per place, locally administered, not in rack order.
    static QString macFor(PiPlace place, int replacement = 0);
    /**
     * Swaps the Pi at `place` for a new one (the next MAC for that place, a fresh image) and asks
     * rackd for a join string it can use; returns the new MAC, or empty with `error`.
     */
    QString replacePi(PiPlace place, QString *error);

Q_SIGNALS:
    void piStateChanged(VirtualPi *pi, VirtualPi::State state);
    void dhcpEvent(const HookMessage &message);
    void relaySwitched(int stack, bool on);

private:
    /// The --http-port, or a free port for 0.
    bool chooseHttpPort(QString *error);
    bool loadStructure(QString *error);
    bool chooseNetwork(QString *error);
    bool findPrograms(QString *error);
    bool preparePis(QString *error);
    bool writeReservations(QString *error) const;
    bool writeRackdConfig(QString *error) const;
    bool readFingerprint(QString *error);
    bool connectAdmin(std::chrono::milliseconds timeout, QString *error);
    bool prepareJoin(QString *error);
    bool startControlServer(QString *error);
    void onControlConnection();
    QString handleHookMessage(const QByteArray &line);
    void followRelays();
    void readRelays();
    QString path(const QString &relative) const;

    VirtualRackOptions m_options;
    RackStructure m_structure;
    std::unique_ptr<RackNetwork> m_network;
    bool m_usesNamespaces = false;
    QString m_namespacePrefix;
    bool m_started = false;
    QString m_rackdProgram;
    QString m_agentProgram;
    QString m_hookProgram;
    QString m_dhcpScript;
    quint16 m_hostPort = 0;
    quint16 m_httpPort = 0;
    QString m_fingerprint;
    QString m_adminToken;
    QString m_joinString;
    QPointer<QProcess> m_rackd;
    RackClient m_admin;
    QTimer m_adminReconnect;
    QLocalServer m_control;
    QFileSystemWatcher m_relayWatcher;
    QTimer m_relayPoll;
    QHash<int, bool> m_relays; ///< channel -> on, as last read
    QList<RelaySwitch> m_switchLog;
    QList<VirtualPi *> m_pis;
    QHash<PiPlace, int> m_replacements; ///< How often each place had its Pi replaced.
    QTimer m_tick;
};
