// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "redfishresources.h"

#include "nodemanager.h"
#include "powercontroller.h"
#include "structure/stackstate.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>
#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace {

QString path(const char *literal) { return QString::fromLatin1(literal); }

QJsonObject link(const QString &target) { return {{u"@odata.id"_s, target}}; }

QJsonObject collection(const QString &type, const QString &at, const QString &name, const QJsonArray &members)
{
    return {{u"@odata.type"_s, type}, {u"@odata.id"_s, at}, {u"Name"_s, name},
        {u"Members@odata.count"_s, members.size()}, {u"Members"_s, members}};
}

QJsonObject resetAction(const QString &action, const QString &target, const QStringList &types)
{
    return {{action,
        QJsonObject {{u"target"_s, target},
            {u"ResetType@Redfish.AllowableValues"_s, QJsonArray::fromStringList(types)}}}};
}

/// Throttling and under-voltage, now, as the Pi's firmware reports them; or running hot.
bool needsAttention(const QJsonObject &metrics)
{
    const QJsonObject throttled = metrics.value(u"throttled"_s).toObject();
    for (const QString &flag :
        {u"under_voltage"_s, u"throttled"_s, u"frequency_capped"_s, u"soft_temperature_limit"_s}) {
        if (throttled.value(flag).toBool())
            return true;
    }
    return metrics.value(u"temperature_c"_s).toDouble(0) >= 80.0;
}

QString health(StackState state)
{
    switch (state) {
    case StackState::Ok:
    case StackState::Off:
        return u"OK"_s;
    case StackState::Warning:
        return u"Warning"_s;
    case StackState::Ko:
        return u"Critical"_s;
    }
    return u"OK"_s;
}

QJsonObject status(const QString &state, const QString &healthText)
{
    return {{u"State"_s, state}, {u"Health"_s, healthText}, {u"HealthRollup"_s, healthText}};
}

} // namespace

QStringList RedfishResources::systemResetTypes()
{
    return {u"On"_s, u"GracefulShutdown"_s, u"GracefulRestart"_s, u"ForceOff"_s, u"ForceRestart"_s,
        u"PowerCycle"_s};
}

QStringList RedfishResources::chassisResetTypes()
{
    return {u"On"_s, u"ForceOff"_s, u"PowerCycle"_s, u"GracefulShutdown"_s};
}

RedfishResources::RedfishResources(Sources sources)
    : m_sources(std::move(sources))
{
    // Stable for the life of the rack's identity, and different for every rack.
    static const QUuid PiRackNamespace(u"6f1c3b52-2f0e-4d7a-9a51-2c4e5b7d8a10"_s);
    m_uuid = QUuid::createUuidV5(PiRackNamespace, m_sources.fingerprint).toString(QUuid::WithoutBraces);
}

QString RedfishResources::chassisId(int stack) { return u"Stack%1"_s.arg(stack); }

QString RedfishResources::systemPath(const QString &name) { return path(SystemsPath) + u'/' + name; }

QString RedfishResources::chassisPath(int stack) { return path(ChassisPath) + u'/' + chassisId(stack); }

QByteArray RedfishResources::etag(const QJsonObject &resource)
{
    QJsonObject writable;
    for (const QString &key : {u"@odata.id"_s, u"LocationIndicatorActive"_s, u"IndicatorLED"_s})
        writable.insert(key, resource.value(key));
    const QByteArray digest = QCryptographicHash::hash(
        QJsonDocument(writable).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256);
    return "W/\"" + digest.toHex().left(16) + '"';
}

bool RedfishResources::etagMatches(const QByteArray &ifMatch, const QJsonObject &resource)
{
    const auto opaque = [](QByteArray tag) {
        tag = tag.trimmed();
        if (tag.startsWith("W/"))
            tag = tag.mid(2);
        if (tag.size() >= 2 && tag.startsWith('"') && tag.endsWith('"'))
            tag = tag.mid(1, tag.size() - 2);
        return tag;
    };
    const QByteArray current = opaque(etag(resource));
    for (const QByteArray &candidate : ifMatch.split(',')) {
        if (candidate.trimmed() == "*" || opaque(candidate) == current)
            return true;
    }
    return false;
}

int RedfishResources::stackOfChassisId(const QString &id) const
{
    if (!id.startsWith(u"Stack"_s))
        return 0;
    bool numeric = false;
    const int stack = id.mid(5).toInt(&numeric);
    if (!numeric || id != chassisId(stack))
        return 0;
    for (const RackStack &known : m_sources.power->structure().stacks) {
        if (known.id == stack)
            return stack;
    }
    return 0;
}

QList<NodeRecord> RedfishResources::placedNodes() const
{
    QList<NodeRecord> placed;
    for (const NodeRecord &node : m_sources.nodes->inventory()->nodes()) {
        if (node.isAssigned() && !node.name.isEmpty())
            placed.append(node);
    }
    std::sort(placed.begin(), placed.end(), [](const NodeRecord &a, const NodeRecord &b) {
        return std::pair(*a.stack, a.slot.value_or(0)) < std::pair(*b.stack, b.slot.value_or(0));
    });
    return placed;
}

std::optional<NodeRecord> RedfishResources::nodeNamed(const QString &name) const
{
    for (const NodeRecord &node : m_sources.nodes->inventory()->nodes()) {
        if (node.isAssigned() && node.name == name)
            return node;
    }
    return std::nullopt;
}

std::optional<QJsonObject> RedfishResources::resource(const QString &at) const
{
    const QString root = path(ServiceRoot);
    if (at == root)
        return serviceRootResource();
    if (at == root + u"/odata"_s)
        return odataServiceDocument();
    if (at == path(SystemsPath))
        return systemsCollection();
    if (at.startsWith(path(SystemsPath) + u'/')) {
        if (const auto node = nodeNamed(at.mid(int(qstrlen(SystemsPath)) + 1)))
            return system(*node);
        return std::nullopt;
    }
    if (at == path(ChassisPath))
        return chassisCollection();
    if (at == path(ChassisPath) + u'/' + path(RackChassisId))
        return rackChassis();
    if (at.startsWith(path(ChassisPath) + u'/')) {
        if (const int stack = stackOfChassisId(at.mid(int(qstrlen(ChassisPath)) + 1)))
            return stackChassis(stack);
        return std::nullopt;
    }
    if (at == root + u"/Managers"_s)
        return managersCollection();
    if (at == path(ManagerPath))
        return manager();
    return std::nullopt;
}

QJsonObject RedfishResources::serviceRootResource() const
{
    const QString root = path(ServiceRoot);
    return {{u"@odata.type"_s, u"#ServiceRoot.v1_15_0.ServiceRoot"_s}, {u"@odata.id"_s, root},
        {u"Id"_s, u"RootService"_s}, {u"Name"_s, u"PiRack rackd"_s}, {u"RedfishVersion"_s, u"1.17.0"_s},
        {u"UUID"_s, m_uuid}, {u"Product"_s, u"PiRack"_s}, {u"Vendor"_s, u"PiRack"_s},
        {u"Systems"_s, link(path(SystemsPath))}, {u"Chassis"_s, link(path(ChassisPath))},
        {u"Managers"_s, link(root + u"/Managers"_s)},
        {u"SessionService"_s, link(root + u"/SessionService"_s)},
        {u"AccountService"_s, link(root + u"/AccountService"_s)},
        {u"Links"_s, QJsonObject {{u"Sessions"_s, link(root + u"/SessionService/Sessions"_s)}}},
        {u"ProtocolFeaturesSupported"_s,
            QJsonObject {{u"ExpandQuery"_s, QJsonObject {{u"ExpandAll"_s, false}, {u"Levels"_s, false}}},
                {u"FilterQuery"_s, false}, {u"SelectQuery"_s, false}, {u"OnlyMemberQuery"_s, false}}}};
}

QJsonObject RedfishResources::odataServiceDocument() const
{
    QJsonArray services;
    const auto add = [&services](const QString &name, const QString &url) {
        services.append(QJsonObject {{u"name"_s, name}, {u"kind"_s, u"Singleton"_s}, {u"url"_s, url}});
    };
    const QString root = path(ServiceRoot);
    add(u"Service"_s, root);
    add(u"Systems"_s, path(SystemsPath));
    add(u"Chassis"_s, path(ChassisPath));
    add(u"Managers"_s, root + u"/Managers"_s);
    add(u"SessionService"_s, root + u"/SessionService"_s);
    add(u"AccountService"_s, root + u"/AccountService"_s);
    return {{u"@odata.context"_s, QString(root + u"/$metadata"_s)}, {u"value"_s, services}};
}

QByteArray RedfishResources::metadataDocument()
{
    // The DMTF schema files each resource's @odata.type names, and the service container.
    static const QList<std::pair<const char *, const char *>> schemas {{"ServiceRoot", "v1_15_0"},
        {"ComputerSystemCollection", nullptr}, {"ComputerSystem", "v1_20_0"}, {"ChassisCollection", nullptr},
        {"Chassis", "v1_23_0"}, {"ManagerCollection", nullptr}, {"Manager", "v1_17_0"},
        {"SessionService", "v1_1_8"}, {"SessionCollection", nullptr}, {"Session", "v1_6_0"},
        {"AccountService", "v1_13_0"}, {"ManagerAccountCollection", nullptr}, {"ManagerAccount", "v1_10_0"},
        {"Message", "v1_1_1"}, {"Resource", "v1_16_0"}};
    QByteArray xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<edmx:Edmx xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\" Version=\"4.0\">\n";
    for (const auto &[schema, version] : schemas) {
        xml += "  <edmx:Reference Uri=\"http://redfish.dmtf.org/schemas/v1/" + QByteArray(schema)
            + "_v1.xml\">\n    <edmx:Include Namespace=\"" + schema + "\"/>\n";
        if (version)
            xml += "    <edmx:Include Namespace=\"" + QByteArray(schema) + '.' + version + "\"/>\n";
        xml += "  </edmx:Reference>\n";
    }
    xml += "  <edmx:DataServices>\n    <Schema xmlns=\"http://docs.oasis-open.org/odata/ns/edm\" "
           "Namespace=\"Service\">\n      <EntityContainer Name=\"Service\" "
           "Extends=\"ServiceRoot.v1_15_0.ServiceContainer\"/>\n    </Schema>\n  </edmx:DataServices>\n"
           "</edmx:Edmx>\n";
    return xml;
}

QJsonObject RedfishResources::systemsCollection() const
{
    QJsonArray members;
    for (const NodeRecord &node : placedNodes())
        members.append(link(systemPath(node.name)));
    return collection(u"#ComputerSystemCollection.ComputerSystemCollection"_s, path(SystemsPath),
        u"Raspberry Pis of the rack"_s, members);
}

QJsonObject RedfishResources::system(const NodeRecord &node) const
{
    const int stack = *node.stack;
    const std::optional<bool> relay = m_sources.power->relayState(stack);
    const NodeManager::State state = m_sources.nodes->state(node.mac);
    const QString at = systemPath(node.name);
    const bool blinking = m_sources.identifying && m_sources.identifying(node.mac);

    QJsonObject system {{u"@odata.type"_s, u"#ComputerSystem.v1_20_0.ComputerSystem"_s}, {u"@odata.id"_s, at},
        {u"Id"_s, node.name}, {u"Name"_s, node.name}, {u"SystemType"_s, u"Physical"_s},
        {u"HostName"_s, node.identity.value(u"hostname"_s).toString(node.name)},
        {u"LocationIndicatorActive"_s, blinking}, {u"IndicatorLED"_s, blinking ? u"Blinking"_s : u"Off"_s},
        {u"Boot"_s,
            QJsonObject {
                {u"BootSourceOverrideEnabled"_s, u"Disabled"_s}, {u"BootSourceOverrideTarget"_s, u"None"_s}}},
        {u"Links"_s,
            QJsonObject {{u"Chassis"_s, QJsonArray {link(chassisPath(stack))}},
                {u"ManagedBy"_s, QJsonArray {link(path(ManagerPath))}}}},
        {u"Actions"_s,
            resetAction(
                u"#ComputerSystem.Reset"_s, at + u"/Actions/ComputerSystem.Reset"_s, systemResetTypes())}};

    // PowerState is whether the Pi runs: its stack's relay on and its agent there. A Pi that halted
    // (or hung) under a live relay is Off to a provisioning tool: only a power cycle starts it again.
    if (relay == false) {
        system.insert(u"PowerState"_s, u"Off"_s);
        system.insert(u"Status"_s, status(u"StandbyOffline"_s, u"OK"_s));
    } else if (relay == true && state == NodeManager::State::Down) {
        system.insert(u"PowerState"_s, u"Off"_s);
        system.insert(u"Status"_s, status(u"UnavailableOffline"_s, u"Warning"_s));
    } else if (relay == true && state == NodeManager::State::Unknown) {
        system.insert(u"PowerState"_s, u"On"_s);
        system.insert(u"Status"_s, status(u"Starting"_s, u"OK"_s));
    } else if (relay == true) {
        const QString healthText = needsAttention(node.lastMetrics) ? u"Warning"_s : u"OK"_s;
        system.insert(u"PowerState"_s, u"On"_s);
        system.insert(u"Status"_s, status(u"Enabled"_s, healthText));
    } else if (state == NodeManager::State::Up) {
        // The relay's state is unknown (a command failed), but the Pi's agent is there: it runs.
        system.insert(u"PowerState"_s, u"On"_s);
        system.insert(u"Status"_s, status(u"Enabled"_s, u"Warning"_s));
    } else {
        system.insert(u"Status"_s,
            status(
                state == NodeManager::State::Down ? u"UnavailableOffline"_s : u"Starting"_s, u"Warning"_s));
    }

    const QString model = node.identity.value(u"model"_s).toString();
    if (!model.isEmpty()) {
        system.insert(u"Model"_s, model);
        if (model.startsWith(u"Raspberry Pi"_s))
            system.insert(u"Manufacturer"_s, u"Raspberry Pi Ltd"_s);
    }
    const QString serial = node.identity.value(u"serial"_s).toString();
    if (!serial.isEmpty())
        system.insert(u"SerialNumber"_s, serial);
    QJsonObject processors {{u"Count"_s, 1}};
    if (const int cores = node.identity.value(u"cores"_s).toInt(0); cores > 0)
        processors.insert(u"CoreCount"_s, cores);
    system.insert(u"ProcessorSummary"_s, processors);
    const double memoryKiB = node.lastMetrics.value(u"memory_total_kib"_s).toDouble(0);
    if (memoryKiB > 0) {
        system.insert(u"MemorySummary"_s,
            QJsonObject {{u"TotalSystemMemoryGiB"_s, std::round(memoryKiB / 1048576.0 * 100.0) / 100.0}});
    }
    QJsonObject pirack {{u"@odata.type"_s, u"#PiRackComputerSystem.v1_0_0.PiRackComputerSystem"_s},
        {u"Stack"_s, stack}, {u"Slot"_s, node.slot.value_or(0)}, {u"MACAddress"_s, node.mac},
        {u"NodeState"_s, NodeManager::stateName(state)}};
    if (!node.address.isEmpty())
        pirack.insert(u"IPv4Address"_s, node.address);
    system.insert(u"Oem"_s, QJsonObject {{u"PiRack"_s, pirack}});
    return system;
}

QJsonObject RedfishResources::chassisCollection() const
{
    QJsonArray members {link(path(ChassisPath) + u'/' + path(RackChassisId))};
    for (const RackStack &stack : m_sources.power->structure().stacks)
        members.append(link(chassisPath(stack.id)));
    return collection(
        u"#ChassisCollection.ChassisCollection"_s, path(ChassisPath), u"The rack and its stacks"_s, members);
}

QJsonObject RedfishResources::stackChassis(int stack) const
{
    const RackStructure &structure = m_sources.power->structure();
    const auto found = std::find_if(structure.stacks.cbegin(), structure.stacks.cend(),
        [stack](const RackStack &candidate) { return candidate.id == stack; });
    const RackStack &entry = *found;
    const std::optional<bool> relay = m_sources.power->relayState(stack);
    const StackState verdict = stackState(relay, entry.piCount, m_sources.nodes->upCount(stack));
    const QString at = chassisPath(stack);

    QJsonArray systems;
    bool blinking = false;
    for (const NodeRecord &node : placedNodes()) {
        if (*node.stack != stack)
            continue;
        systems.append(link(systemPath(node.name)));
        blinking = blinking || (m_sources.identifying && m_sources.identifying(node.mac));
    }
    const QString label = u"row %1, column %2"_s.arg(entry.row).arg(entry.column);
    QJsonObject chassis {{u"@odata.type"_s, u"#Chassis.v1_23_0.Chassis"_s}, {u"@odata.id"_s, at},
        {u"Id"_s, chassisId(stack)}, {u"Name"_s, u"Stack %1"_s.arg(stack)},
        {u"Description"_s,
            u"%1 Raspberry Pis on one power relay, at %2 of the rack"_s.arg(entry.piCount).arg(label)},
        {u"ChassisType"_s, u"Enclosure"_s},
        {u"Status"_s,
            relay == false ? status(u"StandbyOffline"_s, u"OK"_s) : status(u"Enabled"_s, health(verdict))},
        {u"LocationIndicatorActive"_s, blinking}, {u"IndicatorLED"_s, blinking ? u"Blinking"_s : u"Off"_s},
        {u"Location"_s,
            QJsonObject {{u"Placement"_s, QJsonObject {{u"Row"_s, QString::number(entry.row)}}},
                {u"PartLocation"_s,
                    QJsonObject {{u"ServiceLabel"_s, label}, {u"LocationType"_s, u"Bay"_s},
                        {u"LocationOrdinalValue"_s, entry.column}}}}},
        {u"Links"_s,
            QJsonObject {{u"ComputerSystems"_s, systems},
                {u"ContainedBy"_s, link(path(ChassisPath) + u'/' + path(RackChassisId))},
                {u"ManagedBy"_s, QJsonArray {link(path(ManagerPath))}}}},
        {u"Actions"_s,
            resetAction(u"#Chassis.Reset"_s, at + u"/Actions/Chassis.Reset"_s, chassisResetTypes())},
        {u"Oem"_s,
            QJsonObject {{u"PiRack"_s,
                QJsonObject {{u"@odata.type"_s, u"#PiRackChassis.v1_0_0.PiRackChassis"_s},
                    {u"Row"_s, entry.row}, {u"Column"_s, entry.column},
                    {u"RelayChannel"_s, entry.relayChannel}, {u"Pis"_s, entry.piCount},
                    {u"PisUp"_s, m_sources.nodes->upCount(stack)}, {u"StackState"_s, stackStateName(verdict)},
                    {u"Busy"_s, m_sources.power->isBusy(stack)}}}}}};
    if (relay)
        chassis.insert(u"PowerState"_s, *relay ? u"On"_s : u"Off"_s);
    return chassis;
}

QJsonObject RedfishResources::rackChassis() const
{
    const RackStructure &structure = m_sources.power->structure();
    QJsonArray stacks;
    bool anyOn = false;
    StackState worst = StackState::Ok;
    for (const RackStack &stack : structure.stacks) {
        stacks.append(link(chassisPath(stack.id)));
        const std::optional<bool> relay = m_sources.power->relayState(stack.id);
        anyOn = anyOn || relay == true;
        const StackState verdict = stackState(relay, stack.piCount, m_sources.nodes->upCount(stack.id));
        if (verdict == StackState::Ko || (verdict == StackState::Warning && worst != StackState::Ko))
            worst = verdict;
    }
    const QString at = path(ChassisPath) + u'/' + path(RackChassisId);
    return {{u"@odata.type"_s, u"#Chassis.v1_23_0.Chassis"_s}, {u"@odata.id"_s, at},
        {u"Id"_s, path(RackChassisId)}, {u"Name"_s, u"PiRack"_s},
        {u"Description"_s,
            u"A rack of %1 stacks on a %2 x %3 grid"_s.arg(structure.stacks.size())
                .arg(structure.rows)
                .arg(structure.columns)},
        {u"ChassisType"_s, u"Rack"_s}, {u"PowerState"_s, anyOn ? u"On"_s : u"Off"_s},
        {u"Status"_s, status(u"Enabled"_s, health(worst))},
        {u"Links"_s,
            QJsonObject {{u"Contains"_s, stacks}, {u"ManagedBy"_s, QJsonArray {link(path(ManagerPath))}}}}};
}

QJsonObject RedfishResources::managersCollection() const
{
    return collection(u"#ManagerCollection.ManagerCollection"_s, path(ServiceRoot) + u"/Managers"_s,
        u"Managers"_s, QJsonArray {link(path(ManagerPath))});
}

QJsonObject RedfishResources::manager() const
{
    QJsonArray systems;
    for (const NodeRecord &node : placedNodes())
        systems.append(link(systemPath(node.name)));
    QJsonArray chassis {link(path(ChassisPath) + u'/' + path(RackChassisId))};
    for (const RackStack &stack : m_sources.power->structure().stacks)
        chassis.append(link(chassisPath(stack.id)));
    const QDateTime now = QDateTime::currentDateTime();
    const int offset = now.offsetFromUtc();
    const QString localOffset = u"%1%2:%3"_s.arg(offset < 0 ? u'-' : u'+')
                                    .arg(qAbs(offset) / 3600, 2, 10, QLatin1Char('0'))
                                    .arg(qAbs(offset) % 3600 / 60, 2, 10, QLatin1Char('0'));
    return {{u"@odata.type"_s, u"#Manager.v1_17_0.Manager"_s}, {u"@odata.id"_s, path(ManagerPath)},
        {u"Id"_s, u"rackd"_s}, {u"Name"_s, u"rackd"_s},
        {u"Description"_s, u"The PiRack daemon on the master Pi: relays, agents and this service"_s},
        {u"ManagerType"_s, u"RackManager"_s}, {u"Model"_s, u"rackd"_s},
        {u"FirmwareVersion"_s, QStringLiteral(PIRACK_VERSION_STRING)}, {u"UUID"_s, m_uuid},
        {u"DateTime"_s, now.toString(Qt::ISODate)}, {u"DateTimeLocalOffset"_s, localOffset},
        {u"PowerState"_s, u"On"_s}, {u"Status"_s, status(u"Enabled"_s, u"OK"_s)},
        {u"Links"_s, QJsonObject {{u"ManagerForServers"_s, systems}, {u"ManagerForChassis"_s, chassis}}},
        {u"Oem"_s,
            QJsonObject {{u"PiRack"_s,
                QJsonObject {{u"@odata.type"_s, u"#PiRackManager.v1_0_0.PiRackManager"_s},
                    {u"RelayBackend"_s, m_sources.relayBackend},
                    {u"CertificateFingerprint"_s, m_sources.fingerprint}}}}}};
}
