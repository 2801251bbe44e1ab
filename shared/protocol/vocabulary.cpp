// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "vocabulary.h"

#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace Protocol {

namespace {

struct MethodRow
{
    Method method;
    const char *name;
    Role role;
};
constexpr MethodRow Methods[] = {
#define PIRACK_METHOD_ROW(id, wire, role) {Method::id, wire, Role::role},
    PIRACK_PROTOCOL_METHODS(PIRACK_METHOD_ROW)
#undef PIRACK_METHOD_ROW
};

struct EventRow
{
    EventName event;
    const char *name;
    bool broadcast;
};
constexpr EventRow Events[] = {
#define PIRACK_EVENT_ROW(id, wire, broadcast) {EventName::id, wire, broadcast},
    PIRACK_PROTOCOL_EVENTS(PIRACK_EVENT_ROW)
#undef PIRACK_EVENT_ROW
};

struct PowerRow
{
    PowerAction action;
    const char *name;
};
constexpr PowerRow PowerActions[] = {
#define PIRACK_POWER_ROW(id, wire) {PowerAction::id, wire},
    PIRACK_PROTOCOL_POWER_ACTIONS(PIRACK_POWER_ROW)
#undef PIRACK_POWER_ROW
};

struct NodeRow
{
    NodeAction action;
    const char *name;
    bool exec;
};
constexpr NodeRow NodeActions[] = {
#define PIRACK_NODE_ROW(id, wire, exec) {NodeAction::id, wire, exec},
    PIRACK_PROTOCOL_NODE_ACTIONS(PIRACK_NODE_ROW)
#undef PIRACK_NODE_ROW
};

// Each enum counts its rows from 0 in list order, so a value is its row's index.
template<typename Row, std::size_t Size, typename Word>
const Row &rowOf(const Row (&rows)[Size], Word word)
{
    return rows[std::size_t(word)];
}

template<typename Word, typename Row, std::size_t Size>
std::optional<Word> lookUp(const Row (&rows)[Size], const QString &name)
{
    for (const Row &row : rows) {
        if (name == QLatin1String(row.name))
            return Word(&row - rows);
    }
    return std::nullopt;
}

template<typename Word, typename Row, std::size_t Size>
QList<Word> everyValue(const Row (&)[Size])
{
    QList<Word> words;
    for (std::size_t i = 0; i < Size; ++i)
        words.append(Word(i));
    return words;
}

} // namespace

QString roleName(Role role)
{
    switch (role) {
    case Role::Viewer:
        return u"viewer"_s;
    case Role::Operator:
        return u"operator"_s;
    case Role::Admin:
        return u"admin"_s;
    }
    return {};
}

std::optional<Role> roleFromName(const QString &name)
{
    for (Role role : {Role::Viewer, Role::Operator, Role::Admin}) {
        if (roleName(role) == name)
            return role;
    }
    return std::nullopt;
}

QString name(Method method) { return QLatin1String(rowOf(Methods, method).name); }
QString name(EventName event) { return QLatin1String(rowOf(Events, event).name); }
QString name(PowerAction action) { return QLatin1String(rowOf(PowerActions, action).name); }
QString name(NodeAction action) { return QLatin1String(rowOf(NodeActions, action).name); }

template<>
std::optional<Method> fromName<Method>(const QString &name)
{
    return lookUp<Method>(Methods, name);
}
template<>
std::optional<EventName> fromName<EventName>(const QString &name)
{
    return lookUp<EventName>(Events, name);
}
template<>
std::optional<PowerAction> fromName<PowerAction>(const QString &name)
{
    return lookUp<PowerAction>(PowerActions, name);
}
template<>
std::optional<NodeAction> fromName<NodeAction>(const QString &name)
{
    return lookUp<NodeAction>(NodeActions, name);
}

template<>
QList<Method> all<Method>()
{
    return everyValue<Method>(Methods);
}
template<>
QList<EventName> all<EventName>()
{
    return everyValue<EventName>(Events);
}
template<>
QList<PowerAction> all<PowerAction>()
{
    return everyValue<PowerAction>(PowerActions);
}
template<>
QList<NodeAction> all<NodeAction>()
{
    return everyValue<NodeAction>(NodeActions);
}

Role requiredRole(Method method) { return rowOf(Methods, method).role; }

QString family(EventName event)
{
    const QString wire = name(event);
    return wire.left(wire.indexOf(u'.'));
}

QStringList eventFamilies()
{
    QStringList families;
    for (const EventRow &row : Events) {
        const QString wire = QLatin1String(row.name);
        const QString family = wire.left(wire.indexOf(u'.'));
        if (row.broadcast && !families.contains(family))
            families.append(family);
    }
    return families;
}

QString agentActionMethod() { return u"action"_s; }

bool isExecAction(NodeAction action) { return rowOf(NodeActions, action).exec; }

} // namespace Protocol
