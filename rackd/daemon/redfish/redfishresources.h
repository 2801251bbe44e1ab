// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "nodeinventory.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <functional>
#include <optional>

class NodeManager;
class PowerController;

/**
 * The read side of rackd's Redfish service: the rack as DMTF's resources, built from what rackd
 * holds in memory at the moment of the request (never cached, so a PowerState is as fresh as the
 * relay's last report).
 *
 *   /redfish/v1/Systems/<node name>   one ComputerSystem per placed Pi
 *   /redfish/v1/Chassis/Stack<N>      one Chassis per stack (its relay is the power)
 *   /redfish/v1/Chassis/Rack          the rack, containing the stacks
 *   /redfish/v1/Managers/rackd        rackd itself
 *
 * Sessions, accounts and task monitors depend on who asks; RedfishService builds those.
 */
class RedfishResources
{
public:
    struct Sources
    {
        PowerController *power = nullptr;
        NodeManager *nodes = nullptr;
        QString fingerprint; ///< rackd's certificate: the service's UUID is derived from it.
        QString relayBackend;
        /// Whether a node's LED blinks now (an identify that RedfishService started).
        std::function<bool(const QString &mac)> identifying = {};
    };

    static constexpr char ServiceRoot[] = "/redfish/v1";
    static constexpr char SystemsPath[] = "/redfish/v1/Systems";
    static constexpr char ChassisPath[] = "/redfish/v1/Chassis";
    static constexpr char ManagerPath[] = "/redfish/v1/Managers/rackd";
    static constexpr char RackChassisId[] = "Rack";
    /// The reset types offered for a Pi and for a stack, in the order of @Redfish.AllowableValues.
    static QStringList systemResetTypes();
    static QStringList chassisResetTypes();

    explicit RedfishResources(Sources sources);

    QString serviceUuid() const { return m_uuid; }
    const Sources &sources() const { return m_sources; }
    /// The resource at a decoded path (no trailing '/'), or empty when nothing is there.
    std::optional<QJsonObject> resource(const QString &path) const;
    /// The CSDL document at /redfish/v1/$metadata: the schemas the resources here use.
    static QByteArray metadataDocument();

    /// A placed Pi by its name (the ComputerSystem's Id).
    std::optional<NodeRecord> nodeNamed(const QString &name) const;
    /// A stack by its Chassis Id ("Stack3"); 0 when the Id names none.
    int stackOfChassisId(const QString &id) const;
    static QString chassisId(int stack);
    static QString systemPath(const QString &name);
    static QString chassisPath(int stack);
    /**
     * A weak ETag of what a PATCH may change in a resource (its Id and indicator), for If-Match:
     * it protects against lost updates without failing because a Pi's health moved in between.
     */
    static QByteArray etag(const QJsonObject &resource);
    /// Whether an If-Match header (a list, "*", weak or strong, quoted or not) matches the resource.
    static bool etagMatches(const QByteArray &ifMatch, const QJsonObject &resource);

    QJsonObject serviceRootResource() const;
    QJsonObject odataServiceDocument() const;
    QJsonObject systemsCollection() const;
    QJsonObject system(const NodeRecord &node) const;
    QJsonObject chassisCollection() const;
    QJsonObject stackChassis(int stack) const;
    QJsonObject rackChassis() const;
    QJsonObject managersCollection() const;
    QJsonObject manager() const;

private:
    QList<NodeRecord> placedNodes() const;

    Sources m_sources;
    QString m_uuid;
};
