// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "hookmessage.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace {

QString kindName(HookMessage::Kind kind)
{
    switch (kind) {
    case HookMessage::Kind::Bound:
        return u"bound"_s;
    case HookMessage::Kind::Shutdown:
        return u"shutdown"_s;
    case HookMessage::Kind::Reboot:
        return u"reboot"_s;
    case HookMessage::Kind::Dhcp:
        return u"dhcp"_s;
    }
    return {};
}

} // namespace

QJsonObject HookMessage::toJson() const
{
    QJsonObject json {{u"event"_s, kindName(kind)}};
    if (kind != Kind::Dhcp)
        json.insert(u"pi"_s, pi);
    if (kind == Kind::Bound || kind == Kind::Dhcp)
        json.insert(u"ip"_s, address.toString());
    if (kind == Kind::Bound)
        json.insert(u"prefix"_s, prefixLength);
    if (kind == Kind::Dhcp) {
        json.insert(u"action"_s, action);
        json.insert(u"mac"_s, mac);
        json.insert(u"hostname"_s, hostname);
    }
    return json;
}

std::optional<HookMessage> HookMessage::fromJson(const QJsonObject &json, QString *error)
{
    static const QRegularExpression piName(u"^[a-z0-9][a-z0-9-]{0,62}$"_s);
    static const QRegularExpression macPattern(u"^([0-9a-f]{2}:){5}[0-9a-f]{2}$"_s);
    static const QRegularExpression hostnamePattern(u"^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$"_s);
    HookMessage message;
    const QString event = json.value(u"event"_s).toString();
    if (event == u"bound")
        message.kind = Kind::Bound;
    else if (event == u"shutdown")
        message.kind = Kind::Shutdown;
    else if (event == u"reboot")
        message.kind = Kind::Reboot;
    else if (event == u"dhcp")
        message.kind = Kind::Dhcp;
    else {
        *error = u"unknown event \"%1\""_s.arg(event.left(40));
        return std::nullopt;
    }
    if (message.kind != Kind::Dhcp) {
        message.pi = json.value(u"pi"_s).toString();
        if (!piName.match(message.pi).hasMatch()) {
            *error = u"\"%1\" is not a Pi's name"_s.arg(message.pi.left(64));
            return std::nullopt;
        }
    }
    if (message.kind == Kind::Bound || message.kind == Kind::Dhcp) {
        // Dotted quads only: QHostAddress would also take "10.0.0" or "167772161".
        static const QRegularExpression dottedQuad(u"^[0-9]{1,3}(\\.[0-9]{1,3}){3}$"_s);
        const QString ip = json.value(u"ip"_s).toString();
        if (!dottedQuad.match(ip).hasMatch() || !message.address.setAddress(ip)
            || message.address.protocol() != QAbstractSocket::IPv4Protocol) {
            *error = u"\"%1\" is not an IPv4 address"_s.arg(ip.left(64));
            return std::nullopt;
        }
    }
    if (message.kind == Kind::Bound) {
        message.prefixLength = json.value(u"prefix"_s).toInt(-1);
        if (message.prefixLength < 1 || message.prefixLength > 32) {
            *error = u"the prefix length must be from 1 to 32"_s;
            return std::nullopt;
        }
    }
    if (message.kind == Kind::Dhcp) {
        message.action = json.value(u"action"_s).toString();
        message.mac = json.value(u"mac"_s).toString().toLower();
        message.hostname = json.value(u"hostname"_s).toString();
        if (message.action != u"add" && message.action != u"old" && message.action != u"del") {
            *error = u"\"%1\" is not a lease action (add, old or del)"_s.arg(message.action.left(20));
            return std::nullopt;
        }
        if (!macPattern.match(message.mac).hasMatch()) {
            *error = u"\"%1\" is not a MAC address"_s.arg(message.mac.left(40));
            return std::nullopt;
        }
        if (!message.hostname.isEmpty() && !hostnamePattern.match(message.hostname).hasMatch()) {
            *error = u"\"%1\" is not a host name"_s.arg(message.hostname.left(64));
            return std::nullopt;
        }
    }
    return message;
}
