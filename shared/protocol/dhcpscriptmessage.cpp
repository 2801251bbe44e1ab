// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "dhcpscriptmessage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>

using namespace Qt::Literals::StringLiterals;

QStringList DhcpScriptMessage::environmentNames()
{
    return {u"DNSMASQ_DATA_MISSING"_s, u"DNSMASQ_OLD_HOSTNAME"_s, u"DNSMASQ_SUPPLIED_HOSTNAME"_s,
        u"DNSMASQ_TIME_REMAINING"_s, u"DNSMASQ_LEASE_EXPIRES"_s, u"DNSMASQ_LEASE_LENGTH"_s,
        u"DNSMASQ_INTERFACE"_s};
}

DhcpScriptMessage DhcpScriptMessage::fromScript(const QStringList &arguments)
{
    DhcpScriptMessage message;
    message.arguments = arguments.mid(0, MaximumArguments);
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &name : environmentNames()) {
        if (system.contains(name))
            message.environment.insert(name, system.value(name).left(MaximumValueLength));
    }
    return message;
}

QByteArray DhcpScriptMessage::toLine() const
{
    QJsonObject variables;
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        variables.insert(it.key(), it.value());
    const QJsonObject message {
        {u"arguments"_s, QJsonArray::fromStringList(arguments)}, {u"environment"_s, variables}};
    return QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n';
}

std::optional<DhcpScriptMessage> DhcpScriptMessage::fromLine(const QByteArray &line, QString *error)
{
    const QJsonDocument document = QJsonDocument::fromJson(line);
    const QJsonObject object = document.object();
    const QJsonValue list = document.isArray() ? QJsonValue(document.array()) : object.value(u"arguments"_s);
    const QJsonValue variables = object.value(u"environment"_s);
    const auto allStrings = [](const auto &values) {
        return std::all_of(values.begin(), values.end(), [](const QJsonValue &value) {
            return value.isString() && value.toString().size() <= MaximumValueLength;
        });
    };
    if (!list.isArray() || list.toArray().size() > MaximumArguments || !allStrings(list.toArray())
        || !(variables.isUndefined() || variables.isObject()) || !allStrings(variables.toObject())) {
        *error = u"not the script's arguments (a list of at most %1 strings) with its environment (an object "
                 u"of strings)"_s.arg(MaximumArguments);
        return std::nullopt;
    }
    DhcpScriptMessage message;
    for (const QJsonValue &value : list.toArray())
        message.arguments.append(value.toString());
    const QJsonObject given = variables.toObject();
    for (const QString &name : environmentNames()) {
        if (given.contains(name))
            message.environment.insert(name, given.value(name).toString());
    }
    return message;
}
