// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

/// What the pre-checks look at: the parts of rackd a staged install depends on.
struct InstallPrecheckInput
{
    QString relayBackend; ///< gpio, serial, simulated or manual
    QList<int> stacksWithUnknownRelay; ///< Relays rackd could not read back.
    QString relayRestartWarning; ///< RelayBank::restartWarning(): a restart of rackd may switch relays.
    QStringList dhcpSources; ///< Where rackd hears DHCP from, in words; empty: nowhere.
    QString hostsFile; ///< dnsmasq's --dhcp-hostsfile, which the install writes.
    QString pidFile; ///< dnsmasq's pid file; empty: rackd does not reload dnsmasq.
    bool installActive = false;
};

/// One finding: what was checked, whether it is fine, and when not, how to fix it.
struct PrecheckItem
{
    enum class Status { Ok, Warning, Error };

    QString id; ///< relays, dhcp, reservations, dnsmasq, install
    QString title;
    Status status = Status::Ok;
    QString detail = {};
    QString fix = {}; ///< Empty when there is nothing to do.

    static QString statusName(Status status);
    QJsonObject toJson() const;
};

/**
 * The checks a staged install runs before anything is switched (`install.precheck`): can rackd drive
 * the relays, does it hear DHCP, can it write dnsmasq's reservations and reload it. An error means
 * the install would not get far; a warning means it runs but someone has to do a step by hand.
 */
QList<PrecheckItem> runInstallPrechecks(const InstallPrecheckInput &input);
