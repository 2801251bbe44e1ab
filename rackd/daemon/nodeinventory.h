// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/rackstructure.h"
#include "structure/stackstate.h"

#include "protocol/messages.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <functional>
#include <optional>

/// What rackd knows of one node, keyed by its MAC address.
struct NodeRecord
{
    QString mac;
    std::optional<int> stack; ///< Empty: joined but not placed yet.
    std::optional<int> slot;
    QString name; ///< From the structure's name pattern, once placed.
    QString address; ///< The fixed address, once placed.
    QJsonObject identity; ///< Hostname, model, serial as the agent reported them.
    QByteArray credentialHash; ///< SHA-256 of the node's own credential.
    QDateTime lastSeen;
    QJsonObject lastMetrics;

    bool isAssigned() const { return stack.has_value(); }
    QJsonObject toJson() const; ///< Without the credential hash.
};

/**
 * The rack's nodes (nodes.json in the state directory). Placement and credentials are saved at
 * once; heartbeats only update memory and are saved at most once a minute, to spare the master's
 * SD card.
 */
class NodeInventory
{
public:
    static constexpr qint64 HeartbeatSaveIntervalMs = 60000;

    explicit NodeInventory(QString path);

    bool load(QString *error);
    bool save(QString *error);

    QList<NodeRecord> nodes() const { return m_nodes.values(); }
    std::optional<NodeRecord> node(const QString &mac) const;
    std::optional<NodeRecord> nodeAt(int stack, int slot) const;

    /// A node that joined: known ones keep their place and get the new credential.
    bool registerNode(
        const QString &mac, const QJsonObject &identity, const QByteArray &credentialHash, QString *error);
    /// What assign() does with a slot another node holds.
    enum class TakenSlot {
        Refuse, ///< An error: a person placing by hand gets told.
        Evict, ///< The holder loses its place: the install saw the slot's real Pi.
    };
    /// Places a node; the slot must exist in the structure and, unless evicting, be free.
    bool assign(const QString &mac, int stack, int slot, const RackStructure &structure,
        Protocol::Error *error, TakenSlot taken = TakenSlot::Refuse);
    /// Takes a node out of its slot (the install found another Pi there); it stays known.
    bool unassign(const QString &mac, QString *error);
    /**
     * Gives a placed node another name (a host name label, unique in the rack) instead of the one
     * its slot's pattern made. Placing it again names it by the pattern again.
     */
    bool rename(const QString &mac, const QString &name, Protocol::Error *error);
    void recordHeartbeat(const QString &mac, const QJsonObject &metrics, const QDateTime &when);
    /// Saves the heartbeat data if the last save is old enough.
    bool saveIfDue(const QDateTime &now, QString *error);
    std::optional<NodeRecord> authenticate(const QByteArray &credentialHash) const;
    /// Called with a node's MAC once its name changed and was saved (placed, placed elsewhere, renamed).
    void setNameObserver(std::function<void(const QString &mac)> observer)
    {
        m_nameObserver = std::move(observer);
    }

private:
    void nameMayHaveChanged(const QString &mac, const QString &before);

    QString m_path;
    QMap<QString, NodeRecord> m_nodes;
    QDateTime m_lastSave;
    bool m_dirty = false;
    std::function<void(const QString &mac)> m_nameObserver;
};
