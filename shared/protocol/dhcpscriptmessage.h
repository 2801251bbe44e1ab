// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>

/**
 * What pirack-dhcp-script (rackctl under that name) tells rackd on its local DHCP socket, one line
 * per connection: dnsmasq's arguments and the few DNSMASQ_* variables of its environment that say
 * why dnsmasq ran the script (rackd tells a Pi asking from a re-announcement by them):
 *
 *     {"arguments": ["old", "MAC", "IP", "NAME"], "environment": {"DNSMASQ_DATA_MISSING": "1", ...}}
 *
 * A bare JSON list of arguments (an older script, or a test) is read as having no environment.
 */
struct DhcpScriptMessage
{
    static constexpr qsizetype MaximumArguments = 8;
    static constexpr qsizetype MaximumValueLength = 256;

    QStringList arguments;
    QHash<QString, QString> environment; ///< Only names of environmentNames().

    /// The DNSMASQ_* variables that are passed on; every other variable stays with the script.
    static QStringList environmentNames();
    /// The message for this process: `arguments`, and those variables of its environment.
    static DhcpScriptMessage fromScript(const QStringList &arguments);

    QByteArray toLine() const;
    /// Nullopt with `error` when the line is not such a message.
    static std::optional<DhcpScriptMessage> fromLine(const QByteArray &line, QString *error);
};
