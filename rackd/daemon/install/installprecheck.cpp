// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/installprecheck.h"

#include "install/dnsmasqreservations.h"

#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

QString PrecheckItem::statusName(Status status)
{
    switch (status) {
    case Status::Ok:
        return u"ok"_s;
    case Status::Warning:
        return u"warning"_s;
    case Status::Error:
        return u"error"_s;
    }
    return {};
}

QJsonObject PrecheckItem::toJson() const
{
    QJsonObject object {
        {u"id"_s, id}, {u"title"_s, title}, {u"status"_s, statusName(status)}, {u"detail"_s, detail}};
    if (!fix.isEmpty())
        object.insert(u"fix"_s, fix);
    return object;
}

namespace {

PrecheckItem relayCheck(const InstallPrecheckInput &input)
{
    PrecheckItem item {u"relays"_s, u"Relays (%1)"_s.arg(input.relayBackend)};
    if (input.relayBackend == u"manual") {
        item.detail = u"Manual relays: you will be asked to plug in and unplug each stack's power supply, "
                      u"and to confirm each time."_s;
        return item;
    }
    if (!input.stacksWithUnknownRelay.isEmpty()) {
        QStringList ids;
        for (int stack : input.stacksWithUnknownRelay)
            ids.append(QString::number(stack));
        item.status = PrecheckItem::Status::Warning;
        item.detail = u"rackd does not know the relay state of stack %1."_s.arg(ids.join(u", "_s));
        item.fix = u"Check the relay board's cable and power, then rackd's log; the install switches "
                   u"every stack off first and reports a relay that does not answer."_s;
        return item;
    }
    if (!input.relayRestartWarning.isEmpty()) {
        // The install restarts nothing, but a person fixing something during it may.
        item.status = PrecheckItem::Status::Warning;
        item.detail = u"rackd drives every stack's relay and knows its state, but: %1"_s.arg(
            input.relayRestartWarning);
        item.fix = u"Until that is fixed, do not stop or restart rackd while stacks are on "
                   u"(docs/hardware.md explains what happens to the relays)."_s;
        return item;
    }
    item.detail = u"rackd drives every stack's relay and knows its state."_s;
    return item;
}

PrecheckItem dhcpCheck(const InstallPrecheckInput &input)
{
    PrecheckItem item {u"dhcp"_s, u"DHCP events"_s};
    if (input.dhcpSources.isEmpty()) {
        item.status = PrecheckItem::Status::Error;
        item.detail = u"rackd hears no DHCP server, so it cannot see the Pis that ask for an address."_s;
        item.fix = u"Set dhcp_event_socket in rackd.conf and point dnsmasq's dhcp-script at "
                   u"pirack-dhcp-script (resources/dnsmasq/pirack.conf), or set dhcp_lease_file or "
                   u"dhcp_log_file; then restart rackd."_s;
        return item;
    }
    item.detail = u"rackd hears DHCP from: %1."_s.arg(input.dhcpSources.join(u"; "_s));
    const bool script = std::any_of(input.dhcpSources.cbegin(), input.dhcpSources.cend(),
        [](const QString &source) { return source.startsWith(u"dnsmasq's script"_s); });
    const bool leaseFileOnly = !script
        && std::all_of(input.dhcpSources.cbegin(), input.dhcpSources.cend(),
            [](const QString &source) { return source.startsWith(u"dnsmasq's lease file"_s); });
    if (leaseFileOnly) {
        // The lease file keeps the same line for a Pi that reboots and asks for the lease it holds.
        item.status = PrecheckItem::Status::Warning;
        item.detail
            += u" From the lease file alone, a Pi that already holds a lease (it was on before) is not "
               u"seen when it asks again."_s;
        item.fix = u"Set dhcp_event_socket in rackd.conf and dnsmasq's dhcp-script and script-on-renewal "
                   u"(resources/dnsmasq/pirack.conf)."_s;
    }
    return item;
}

/// The folder that would hold `path`, or the nearest one above it that exists (the install creates the rest).
QFileInfo nearestExistingFolder(const QString &path)
{
    QFileInfo folder(QFileInfo(path).absolutePath());
    while (!folder.exists() && !folder.isRoot())
        folder = QFileInfo(folder.absolutePath());
    return folder;
}

PrecheckItem reservationsCheck(const InstallPrecheckInput &input)
{
    PrecheckItem item {u"reservations"_s, u"dnsmasq's reservations file"_s};
    const QFileInfo file(input.hostsFile);
    const QFileInfo folder = nearestExistingFolder(input.hostsFile);
    const bool writable = file.exists() ? file.isWritable() : folder.isDir() && folder.isWritable();
    if (!writable) {
        item.status = PrecheckItem::Status::Error;
        item.detail = file.exists() ? u"rackd cannot write %1."_s.arg(input.hostsFile)
                                    : u"rackd cannot create files in %1."_s.arg(folder.filePath());
        item.fix = u"Create the folder and give it to rackd's user (install -d -o pirack %1), or change "
                   u"dnsmasq_hosts_file in rackd.conf."_s.arg(file.absolutePath());
        return item;
    }
    item.detail = u"The fixed addresses will be written to %1."_s.arg(input.hostsFile);
    return item;
}

PrecheckItem dnsmasqCheck(const InstallPrecheckInput &input)
{
    PrecheckItem item {u"dnsmasq"_s, u"dnsmasq"_s};
    if (input.pidFile.isEmpty()) {
        item.status = PrecheckItem::Status::Warning;
        item.detail = u"rackd does not reload dnsmasq (dnsmasq_pid_file = off)."_s;
        item.fix = u"Restart dnsmasq yourself when the install has written the reservations, or set "
                   u"dnsmasq_pid_file in rackd.conf."_s;
        return item;
    }
    QString error;
    const std::optional<qint64> pid = DnsmasqReservations::runningDnsmasq(input.pidFile, &error);
    if (!pid) {
        item.status = PrecheckItem::Status::Error;
        item.detail = error;
        item.fix = u"Start dnsmasq on the master (systemctl start dnsmasq) with PiRack's configuration "
                   u"(resources/dnsmasq/pirack.conf)."_s;
        return item;
    }
    item.detail = u"dnsmasq runs (pid %1) and will be reloaded with the new reservations."_s.arg(*pid);
    return item;
}

} // namespace

QList<PrecheckItem> runInstallPrechecks(const InstallPrecheckInput &input)
{
    QList<PrecheckItem> items {
        relayCheck(input), dhcpCheck(input), reservationsCheck(input), dnsmasqCheck(input)};
    if (input.installActive)
        items.append({u"install"_s, u"Install in progress"_s, PrecheckItem::Status::Ok,
            u"An install is already running; you will be taken to its current step."_s, {}});
    return items;
}
