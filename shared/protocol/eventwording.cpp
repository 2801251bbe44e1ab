// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventwording.h"

#include "vocabulary.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;
using Protocol::EventName;

namespace EventWording {
namespace {

std::optional<int> stackOf(const QJsonObject &data)
{
    const QJsonValue stack = data.value(u"stack"_s);
    return stack.isDouble() && stack.toDouble() >= 1 ? std::optional<int>(stack.toInt()) : std::nullopt;
}

/// "s2-n1 (stack 2, slot 1)", or the MAC of a Pi that is not placed.
QString piOf(const QJsonObject &data)
{
    const QString name = data.value(u"name"_s).toString();
    const QString label = name.isEmpty() ? data.value(u"mac"_s).toString() : name;
    const std::optional<int> stack = stackOf(data);
    const QJsonValue slot = data.value(u"slot"_s);
    if (stack && slot.isDouble())
        return u"%1 (stack %2, slot %3)"_s.arg(label).arg(*stack).arg(slot.toInt());
    if (stack)
        return u"%1 (stack %2)"_s.arg(label).arg(*stack);
    return label;
}

QString names(const QJsonValue &list)
{
    QStringList all;
    for (const QJsonValue &item : list.toArray())
        all.append(item.toString());
    return all.join(u", "_s);
}

QString attemptOf(const QJsonObject &data)
{
    const int attempt = data.value(u"attempt"_s).toInt();
    const int attempts = data.value(u"attempts"_s).toInt();
    return attempt > 0 && attempts > 0 ? u" (attempt %1 of %2)"_s.arg(attempt).arg(attempts) : QString();
}

Sentence recovery(EventName name, const QJsonObject &data)
{
    Sentence sentence;
    sentence.stack = stackOf(data);
    const QString stack = u"Stack %1"_s.arg(sentence.stack.value_or(0));
    switch (name) {
    case EventName::RecoveryDetected: {
        const QString condition = data.value(u"condition"_s).toString();
        sentence.severity = condition == u"agent-gone" ? Severity::Notice : Severity::Warning;
        const QString what = condition == u"lost" ? u"is lost"_s
            : condition == u"unhealthy"           ? u"is unhealthy"_s
            : condition == u"agent-gone"          ? u"runs without its agent"_s
                                                  : u"is " + condition;
        sentence.text = u"%1 %2: %3. %4"_s.arg(
            piOf(data), what, data.value(u"reason"_s).toString(), data.value(u"action"_s).toString());
        break;
    }
    case EventName::RecoveryCleared:
        sentence.text = u"%1 is no longer %2: %3"_s.arg(
            piOf(data), data.value(u"was"_s).toString(), data.value(u"reason"_s).toString());
        break;
    case EventName::RecoveryStep: {
        const QString step = data.value(u"step"_s).toString();
        sentence.severity = Severity::Notice;
        if (step == u"drain")
            sentence.text = u"%1: shutting down %2 before a power cycle for %3%4"_s.arg(
                stack, names(data.value(u"drained"_s)), names(data.value(u"nodes"_s)), attemptOf(data));
        else if (step == u"drained")
            sentence.text = u"%1: its running Pis are down%2"_s.arg(stack, attemptOf(data));
        else if (step == u"cycle")
            sentence.text = u"%1: power-cycling it for %2%3"_s.arg(
                stack, names(data.value(u"nodes"_s)), attemptOf(data));
        else if (step == u"wait")
            sentence.text = u"%1: waiting up to %2 s for %3 to come back"_s.arg(stack)
                                .arg(data.value(u"timeout_s"_s).toDouble())
                                .arg(names(data.value(u"nodes"_s)));
        else
            sentence.text = u"%1: recovery step %2"_s.arg(stack, step);
        break;
    }
    case EventName::RecoveryDone: {
        const QString outcome = data.value(u"outcome"_s).toString();
        const QString detail = data.value(u"detail"_s).toString();
        if (outcome == u"recovered") {
            sentence.text = u"%1 recovered: %2 (%3 s)"_s.arg(stack, detail)
                                .arg(qRound(data.value(u"duration_s"_s).toDouble()));
        } else if (outcome == u"given-up") {
            sentence.severity = Severity::Critical;
            sentence.text = u"Gave up on %1: %2"_s.arg(names(data.value(u"nodes"_s)), detail);
        } else {
            sentence.severity = outcome == u"stopped" ? Severity::Notice : Severity::Warning;
            sentence.text = u"%1: recovery %2%3: %4"_s.arg(stack, outcome, attemptOf(data), detail);
        }
        break;
    }
    case EventName::RecoveryMaintenance: {
        const bool on = data.value(u"on"_s).toBool();
        sentence.actor = data.value(u"by"_s).toString();
        const QString target = data.contains(u"mac"_s) ? piOf(data) : stack;
        const QString reason = data.value(u"reason"_s).toString();
        sentence.severity = Severity::Notice;
        sentence.text = on ? u"%1 in maintenance (by %2)%3"_s.arg(
                            target, sentence.actor, reason.isEmpty() ? QString() : u": "_s + reason)
                           : u"%1 back in service (by %2)"_s.arg(target, sentence.actor);
        break;
    }
    default:
        break;
    }
    return sentence;
}

} // namespace

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return u"info"_s;
    case Severity::Notice:
        return u"notice"_s;
    case Severity::Warning:
        return u"warning"_s;
    case Severity::Critical:
        return u"critical"_s;
    }
    return {};
}

Sentence describe(const Protocol::Event &event)
{
    const QJsonObject &data = event.data;
    const std::optional<EventName> name = Protocol::fromName<EventName>(event.name);
    Sentence sentence;
    sentence.stack = stackOf(data);
    if (!name) {
        sentence.text
            = event.name + u' ' + QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact));
        return sentence;
    }
    const QString stack = u"Stack %1"_s.arg(sentence.stack.value_or(0));
    switch (*name) {
    case EventName::RelayChanged:
        sentence.actor = data.value(u"by"_s).toString();
        sentence.text = u"%1 switched %2"_s.arg(stack, data.value(u"relay"_s).toString())
            + (sentence.actor.isEmpty() ? QString() : u" by "_s + sentence.actor);
        break;
    case EventName::RelayOperator:
        sentence.severity = Severity::Warning;
        sentence.text = u"%1 waits for you: %2"_s.arg(stack, data.value(u"instruction"_s).toString());
        break;
    case EventName::RelayOperatorDone:
        sentence.text = u"%1: the operator answered"_s.arg(stack);
        break;
    case EventName::NodeUp:
        sentence.text = u"%1 is up"_s.arg(piOf(data));
        break;
    case EventName::NodeDown:
        sentence.severity = Severity::Warning;
        sentence.text = u"%1 is down"_s.arg(piOf(data));
        break;
    case EventName::NodeRenamed:
        sentence.text = u"%1 is now called %2"_s.arg(data.value(u"mac"_s).toString(), piOf(data));
        break;
    case EventName::NodeMetrics:
    case EventName::NodeHeartbeat:
        sentence.routine = true;
        sentence.text = u"Metrics from %1 Pis"_s.arg(data.value(u"nodes"_s).toArray().size());
        break;
    case EventName::DhcpLease:
    case EventName::DhcpRequest:
        sentence.text = u"%1 asked for an address: %2"_s.arg(
            data.value(u"mac"_s).toString(), data.value(u"ip"_s).toString());
        break;
    case EventName::DhcpRestated:
        sentence.text = u"The DHCP server restated the lease of %1 (%2)"_s.arg(
            data.value(u"mac"_s).toString(), data.value(u"ip"_s).toString());
        break;
    case EventName::DhcpRelease:
        sentence.text = u"The lease of %1 (%2) ended"_s.arg(
            data.value(u"mac"_s).toString(), data.value(u"ip"_s).toString());
        break;
    case EventName::InstallChanged:
        sentence.routine = true;
        sentence.text = u"Install: %1"_s.arg(data.value(u"step"_s).toString());
        break;
    case EventName::InstallStep:
        sentence.text = u"Install: %1"_s.arg(data.value(u"message"_s).toString());
        break;
    case EventName::InstallMac:
        sentence.text = u"Install: stack %1 found %2 of %3 Pis"_s.arg(sentence.stack.value_or(0))
                            .arg(data.value(u"found"_s).toInt())
                            .arg(data.value(u"expected"_s).toInt());
        break;
    case EventName::InstallAnomaly:
        sentence.severity = Severity::Warning;
        sentence.text = u"Install: %1"_s.arg(data.value(u"message"_s).toString());
        break;
    case EventName::ExecResult:
        sentence.severity = data.value(u"outcome"_s).toString() == u"ok" ? Severity::Info : Severity::Warning;
        sentence.text = u"%1: %2"_s.arg(piOf(data), data.value(u"outcome"_s).toString());
        break;
    case EventName::RecoveryDetected:
    case EventName::RecoveryCleared:
    case EventName::RecoveryStep:
    case EventName::RecoveryDone:
    case EventName::RecoveryMaintenance:
        return recovery(*name, data);
    }
    return sentence;
}

} // namespace EventWording
