// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/powerhistory.h"

#include "protocol/vocabulary.h"
#include "system/printable.h"

using namespace Qt::Literals::StringLiterals;
using Protocol::EventName;

PowerHistory::PowerHistory(RackState *state, QObject *parent)
    : QObject(parent)
    , m_state(state)
{ }

void PowerHistory::applyEvent(const Protocol::Event &event, const QDateTime &time)
{
    const std::optional<EventName> name = Protocol::fromName<EventName>(event.name);
    if (name == EventName::RelayChanged) {
        const int stack = event.data.value(u"stack"_s).toInt();
        const QString relay = event.data.value(u"relay"_s).toString();
        if (stack <= 0 || (relay != u"on" && relay != u"off"))
            return;
        PowerSwitch entry;
        entry.time = time;
        entry.what = relay;
        entry.by = Printable::oneLine(event.data.value(u"by"_s).toString(), 100);
        entry.live = true;
        if (relay == u"on") {
            for (const NodeView &node : m_state->nodesOfStack(stack))
                entry.expected += node.stack ? 1 : 0;
        }
        QList<PowerSwitch> &list = m_live[stack];
        list.append(entry);
        m_cameUp[stack].clear();
        if (list.size() > MaximumPerStack)
            list.removeFirst();
        Q_EMIT changed(stack);
        return;
    }
    if (name != EventName::NodeUp)
        return;
    const QJsonValue stackValue = event.data.value(u"stack"_s);
    const int stack = stackValue.isDouble() ? stackValue.toInt() : 0;
    auto it = m_live.find(stack);
    if (it == m_live.end() || it->isEmpty())
        return;
    PowerSwitch &last = it->last();
    if (last.what != u"on" || last.expected == 0 || last.upAfterMs >= 0)
        return;
    const QString mac = event.data.value(u"mac"_s).toString();
    QSet<QString> &cameUp = m_cameUp[stack];
    if (mac.isEmpty() || cameUp.contains(mac))
        return; // a Pi that comes up twice (a reboot) is one Pi
    cameUp.insert(mac);
    last.up = std::min(int(cameUp.size()), last.expected);
    if (last.up == last.expected)
        last.upAfterMs = last.time.msecsTo(time);
    Q_EMIT changed(stack);
}

void PowerHistory::clear()
{
    const QList<int> stacks = m_live.keys();
    m_live.clear();
    m_cameUp.clear();
    for (int stack : stacks)
        Q_EMIT changed(stack);
}

QList<PowerSwitch> PowerHistory::fromAudit(int stack, const QJsonArray &entries)
{
    QList<PowerSwitch> found;
    for (const QJsonValue &value : entries) {
        const QJsonObject entry = value.toObject();
        const QString request = entry.value(u"request"_s).toString();
        const bool power = request == Protocol::name(Protocol::Method::Power);
        if (!power && !request.startsWith(u"recovery."))
            continue;
        bool concerned = false;
        for (const QJsonValue &target : entry.value(u"targets"_s).toArray())
            concerned = concerned || target.toInt() == stack;
        const QJsonObject params = entry.value(u"params"_s).toObject();
        for (const QJsonValue &target : params.value(u"stacks"_s).toArray())
            concerned = concerned || target.toInt() == stack || target.toString() == u"all";
        concerned = concerned || params.value(u"stack"_s).toInt() == stack;
        if (!concerned)
            continue;
        PowerSwitch item;
        item.time = QDateTime::fromString(entry.value(u"time"_s).toString(), Qt::ISODateWithMs);
        item.what = power ? u"power "_s + Printable::oneLine(params.value(u"action"_s).toString(), 40)
                          : Printable::oneLine(request, 40);
        item.by = Printable::oneLine(entry.value(u"token"_s).toString(), 100);
        item.result = Printable::oneLine(entry.value(u"result"_s).toString(), 200);
        found.prepend(item); // the audit is oldest first
    }
    return found;
}

QList<PowerSwitch> PowerHistory::forStack(int stack, const QJsonArray &audit) const
{
    QList<PowerSwitch> all;
    const QList<PowerSwitch> live = m_live.value(stack);
    for (auto it = live.crbegin(); it != live.crend(); ++it)
        all.append(*it);
    // What the audit adds: what happened before this app saw it live.
    const QDateTime firstLive = live.isEmpty() ? QDateTime() : live.constFirst().time;
    for (const PowerSwitch &entry : fromAudit(stack, audit)) {
        if (!firstLive.isValid() || entry.time < firstLive.addSecs(-1))
            all.append(entry);
    }
    return all;
}
