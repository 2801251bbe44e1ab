// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/installrecord.h"

#include "protocol/macaddress.h"
#include "protocol/messages.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace {

QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toString(Qt::ISODateWithMs) : QString();
}

template<typename Enum, typename NameOf>
std::optional<Enum> fromName(const QString &name, Enum last, NameOf nameOf)
{
    for (int value = 0; value <= int(last); ++value) {
        if (nameOf(Enum(value)) == name)
            return Enum(value);
    }
    return std::nullopt;
}

/// Reads fields and remembers the first that is missing or wrong, with its path.
class FieldReader
{
public:
    explicit FieldReader(QString *error)
        : m_error(error)
    { }

    bool failed() const { return m_failed; }
    void fail(const QString &path, const QString &what)
    {
        if (!m_failed)
            *m_error = u"%1: %2"_s.arg(path, what);
        m_failed = true;
    }

    QString text(const QJsonObject &object, const QString &key, const QString &path, bool required = true)
    {
        const QJsonValue value = object.value(key);
        if (value.isString())
            return value.toString();
        if (required || !value.isUndefined())
            fail(path + u'.' + key, u"a text is needed"_s);
        return {};
    }
    qint64 number(
        const QJsonObject &object, const QString &key, const QString &path, qint64 lowest, qint64 highest)
    {
        const double value = object.value(key).toDouble(-1e300);
        // The range first: casting a double outside qint64's range is undefined (and differs on arm64).
        if (value < double(lowest) || value > double(highest) || value != double(qint64(value))) {
            fail(path + u'.' + key, u"a whole number from %1 to %2 is needed"_s.arg(lowest).arg(highest));
            return lowest;
        }
        return qint64(value);
    }
    QDateTime time(const QJsonObject &object, const QString &key, const QString &path)
    {
        const QString value = text(object, key, path, false);
        if (value.isEmpty())
            return {};
        const QDateTime time = QDateTime::fromString(value, Qt::ISODateWithMs);
        if (!time.isValid())
            fail(path + u'.' + key, u"\"%1\" is not a time"_s.arg(value));
        return time;
    }
    QString mac(const QJsonObject &object, const QString &key, const QString &path, bool required = true)
    {
        const QString value = text(object, key, path, required);
        if (value.isEmpty() && !required)
            return {};
        const QString mac = Protocol::normalizedMac(value);
        if (mac.isEmpty())
            fail(path + u'.' + key, u"\"%1\" is not a MAC address"_s.arg(value));
        return mac;
    }
    template<typename Enum, typename NameOf>
    Enum choice(const QJsonObject &object, const QString &key, const QString &path, Enum last, NameOf nameOf)
    {
        const QString value = text(object, key, path);
        const std::optional<Enum> result = fromName(value, last, nameOf);
        if (!result)
            fail(path + u'.' + key, u"\"%1\" is not a known value"_s.arg(value));
        return result.value_or(Enum(0));
    }
    QJsonArray array(const QJsonObject &object, const QString &key, const QString &path)
    {
        const QJsonValue value = object.value(key);
        if (!value.isArray() && !value.isUndefined())
            fail(path + u'.' + key, u"a list is needed"_s);
        return value.toArray();
    }

private:
    QString *m_error;
    bool m_failed = false;
};

} // namespace

QJsonObject InstallMac::toJson() const
{
    QJsonObject object {
        {u"mac"_s, mac}, {u"seen"_s, timeText(seen)}, {u"manual"_s, manual}, {u"slot"_s, slot}};
    if (!address.isEmpty())
        object.insert(u"ip"_s, address);
    return object;
}

QString InstallAnomaly::kindName(Kind kind)
{
    switch (kind) {
    case Kind::AssignedElsewhere:
        return u"assigned-elsewhere"_s;
    case Kind::SeenInOtherStack:
        return u"seen-in-other-stack"_s;
    case Kind::TooMany:
        return u"too-many"_s;
    case Kind::WhileOff:
        return u"while-off"_s;
    }
    return {};
}

QJsonObject InstallAnomaly::toJson() const
{
    return {{u"kind"_s, kindName(kind)}, {u"stack"_s, stack}, {u"attempt"_s, attempt}, {u"mac"_s, mac},
        {u"detail"_s, detail}, {u"time"_s, timeText(when)}};
}

bool InstallStack::isListening() const
{
    return status == Status::SwitchingOn || status == Status::Collecting || status == Status::Settling
        || status == Status::SwitchingOff;
}

bool InstallStack::isSettled() const
{
    return status == Status::Found || status == Status::Accepted || status == Status::Skipped;
}

QString InstallStack::statusName(Status status)
{
    switch (status) {
    case Status::Pending:
        return u"pending"_s;
    case Status::SwitchingOn:
        return u"switching-on"_s;
    case Status::Collecting:
        return u"collecting"_s;
    case Status::Settling:
        return u"settling"_s;
    case Status::SwitchingOff:
        return u"switching-off"_s;
    case Status::NeedsDecision:
        return u"needs-decision"_s;
    case Status::Found:
        return u"found"_s;
    case Status::Accepted:
        return u"accepted"_s;
    case Status::Skipped:
        return u"skipped"_s;
    }
    return {};
}

QJsonObject InstallStack::toJson() const
{
    QJsonArray slotList, ignored, found;
    for (int slot : slots)
        slotList.append(slot);
    for (const QString &mac : ignoredMacs)
        ignored.append(mac);
    for (const InstallMac &mac : macs)
        found.append(mac.toJson());
    return {{u"id"_s, id}, {u"slots"_s, slotList}, {u"ignored_macs"_s, ignored},
        {u"status"_s, statusName(status)}, {u"attempts"_s, attempts}, {u"expected"_s, expected()},
        {u"found"_s, int(macs.size())}, {u"macs"_s, found}, {u"problem"_s, problem}, {u"verdict"_s, verdict}};
}

QJsonObject InstallPiCheck::toJson() const
{
    return {{u"stack"_s, stack}, {u"slot"_s, slot}, {u"name"_s, name}, {u"address"_s, address},
        {u"mac"_s, mac}, {u"up"_s, up}, {u"on_fixed_address"_s, onFixedAddress},
        {u"seen_address"_s, seenAddress}, {u"ok"_s, isOk()}};
}

InstallStack *InstallRecord::stack(int stackId)
{
    for (InstallStack &stack : stacks) {
        if (stack.id == stackId)
            return &stack;
    }
    return nullptr;
}

const InstallStack *InstallRecord::stack(int stackId) const
{
    return const_cast<InstallRecord *>(this)->stack(stackId);
}

InstallStack *InstallRecord::currentStack()
{
    return step == Step::Discovery && current >= 0 && current < stacks.size() ? &stacks[current] : nullptr;
}

QString InstallRecord::kindName(Kind kind) { return kind == Kind::Install ? u"install"_s : u"replace"_s; }

QString InstallRecord::stepName(Step step)
{
    switch (step) {
    case Step::SwitchingOff:
        return u"switching-off"_s;
    case Step::Discovery:
        return u"discovery"_s;
    case Step::Writing:
        return u"writing"_s;
    case Step::PoweringOn:
        return u"powering-on"_s;
    case Step::Verifying:
        return u"verifying"_s;
    case Step::Finished:
        return u"finished"_s;
    }
    return {};
}

QString InstallRecord::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Running:
        return u"running"_s;
    case Outcome::WaitingForDecision:
        return u"waiting-for-decision"_s;
    case Outcome::Done:
        return u"done"_s;
    case Outcome::Aborted:
        return u"aborted"_s;
    case Outcome::Failed:
        return u"failed"_s;
    }
    return {};
}

QJsonObject InstallRecord::toJson() const
{
    QJsonArray stackList, anomalyList, checkList, warningList, logList;
    for (const InstallStack &entry : stacks)
        stackList.append(entry.toJson());
    for (const InstallAnomaly &anomaly : anomalies)
        anomalyList.append(anomaly.toJson());
    for (const InstallPiCheck &check : checks)
        checkList.append(check.toJson());
    for (const QString &warning : warnings)
        warningList.append(warning);
    for (const auto &[time, message] : log)
        logList.append(QJsonObject {{u"time"_s, timeText(time)}, {u"message"_s, message}});
    return {{u"id"_s, id}, {u"kind"_s, kindName(kind)}, {u"step"_s, stepName(step)},
        {u"outcome"_s, outcomeName(outcome)}, {u"active"_s, isActive()},
        {u"current_stack"_s, current < stacks.size() && step == Step::Discovery ? stacks.at(current).id : 0},
        {u"current"_s, current}, {u"started_by"_s, startedBy}, {u"started"_s, timeText(started)},
        {u"finished"_s, timeText(finished)}, {u"stack_timeout_ms"_s, stackTimeoutMs},
        {u"settle_ms"_s, settleMs}, {u"verify_timeout_ms"_s, verifyTimeoutMs}, {u"stacks"_s, stackList},
        {u"anomalies"_s, anomalyList}, {u"checks"_s, checkList}, {u"warnings"_s, warningList},
        {u"error"_s, error}, {u"relays"_s, relays}, {u"operator_instruction"_s, operatorInstruction},
        {u"log"_s, logList}};
}

std::optional<InstallRecord> InstallRecord::fromJson(const QJsonObject &object, QString *error)
{
    FieldReader read(error);
    InstallRecord record;
    const QString top = u"install"_s;
    record.id = read.text(object, u"id"_s, top);
    record.kind = read.choice(object, u"kind"_s, top, Kind::Replace, &InstallRecord::kindName);
    record.step = read.choice(object, u"step"_s, top, Step::Finished, &InstallRecord::stepName);
    record.outcome = read.choice(object, u"outcome"_s, top, Outcome::Failed, &InstallRecord::outcomeName);
    record.startedBy = read.text(object, u"started_by"_s, top);
    record.started = read.time(object, u"started"_s, top);
    record.finished = read.time(object, u"finished"_s, top);
    record.stackTimeoutMs = read.number(object, u"stack_timeout_ms"_s, top, 1000, 3600000);
    record.settleMs = read.number(object, u"settle_ms"_s, top, 0, 60000);
    record.verifyTimeoutMs = read.number(object, u"verify_timeout_ms"_s, top, 1000, 7200000);
    record.error = read.text(object, u"error"_s, top, false);
    record.relays = read.text(object, u"relays"_s, top, false);
    record.operatorInstruction = read.text(object, u"operator_instruction"_s, top, false);

    const QJsonArray stackList = read.array(object, u"stacks"_s, top);
    for (qsizetype i = 0; i < stackList.size() && !read.failed(); ++i) {
        const QJsonObject entry = stackList.at(i).toObject();
        const QString path = u"install.stacks[%1]"_s.arg(i);
        InstallStack stack;
        stack.id = int(read.number(entry, u"id"_s, path, 1, 1000000));
        for (const QJsonValue &slot : read.array(entry, u"slots"_s, path)) {
            const std::optional<qint64> number = Protocol::wholeNumber(slot, 1, 1000000);
            if (!number) {
                read.fail(path + u".slots"_s, u"slots are whole numbers from 1"_s);
                break;
            }
            stack.slots.append(int(*number));
        }
        for (const QJsonValue &mac : read.array(entry, u"ignored_macs"_s, path)) {
            const QString normalized = Protocol::normalizedMac(mac.toString());
            if (normalized.isEmpty())
                read.fail(path + u".ignored_macs"_s, u"\"%1\" is not a MAC address"_s.arg(mac.toString()));
            stack.ignoredMacs.append(normalized);
        }
        stack.status
            = read.choice(entry, u"status"_s, path, InstallStack::Status::Skipped, &InstallStack::statusName);
        stack.attempts = int(read.number(entry, u"attempts"_s, path, 0, 1000000));
        stack.problem = read.text(entry, u"problem"_s, path, false);
        stack.verdict = read.text(entry, u"verdict"_s, path, false);
        const QJsonArray macList = read.array(entry, u"macs"_s, path);
        for (qsizetype j = 0; j < macList.size() && !read.failed(); ++j) {
            const QJsonObject macEntry = macList.at(j).toObject();
            const QString macPath = path + u".macs[%1]"_s.arg(j);
            InstallMac mac;
            mac.mac = read.mac(macEntry, u"mac"_s, macPath);
            mac.address = read.text(macEntry, u"ip"_s, macPath, false);
            mac.seen = read.time(macEntry, u"seen"_s, macPath);
            mac.manual = macEntry.value(u"manual"_s).toBool();
            mac.slot = int(read.number(macEntry, u"slot"_s, macPath, 0, 1000000));
            stack.macs.append(mac);
        }
        record.stacks.append(stack);
    }
    if (record.stacks.isEmpty())
        read.fail(u"install.stacks"_s, u"an install has at least one stack"_s);
    record.current = int(read.number(object, u"current"_s, top, 0, qMax<qint64>(0, record.stacks.size())));

    const QJsonArray anomalyList = read.array(object, u"anomalies"_s, top);
    for (qsizetype i = 0; i < anomalyList.size() && !read.failed(); ++i) {
        const QJsonObject entry = anomalyList.at(i).toObject();
        const QString path = u"install.anomalies[%1]"_s.arg(i);
        InstallAnomaly anomaly;
        anomaly.kind
            = read.choice(entry, u"kind"_s, path, InstallAnomaly::Kind::WhileOff, &InstallAnomaly::kindName);
        anomaly.stack = int(read.number(entry, u"stack"_s, path, 0, 1000000));
        anomaly.attempt = int(read.number(entry, u"attempt"_s, path, 0, 1000000));
        anomaly.mac = read.mac(entry, u"mac"_s, path);
        anomaly.detail = read.text(entry, u"detail"_s, path);
        anomaly.when = read.time(entry, u"time"_s, path);
        record.anomalies.append(anomaly);
    }
    const QJsonArray checkList = read.array(object, u"checks"_s, top);
    for (qsizetype i = 0; i < checkList.size() && !read.failed(); ++i) {
        const QJsonObject entry = checkList.at(i).toObject();
        const QString path = u"install.checks[%1]"_s.arg(i);
        InstallPiCheck check;
        check.stack = int(read.number(entry, u"stack"_s, path, 1, 1000000));
        check.slot = int(read.number(entry, u"slot"_s, path, 1, 1000000));
        check.name = read.text(entry, u"name"_s, path);
        check.address = read.text(entry, u"address"_s, path);
        check.mac = read.mac(entry, u"mac"_s, path, false);
        check.up = entry.value(u"up"_s).toBool();
        check.onFixedAddress = entry.value(u"on_fixed_address"_s).toBool();
        check.seenAddress = read.text(entry, u"seen_address"_s, path, false);
        record.checks.append(check);
    }
    for (const QJsonValue &warning : read.array(object, u"warnings"_s, top))
        record.warnings.append(warning.toString());
    for (const QJsonValue &entry : read.array(object, u"log"_s, top)) {
        record.log.append({QDateTime::fromString(entry[u"time"_s].toString(), Qt::ISODateWithMs),
            entry[u"message"_s].toString()});
    }
    if (read.failed())
        return std::nullopt;
    return record;
}

std::optional<InstallStack::Status> InstallStack::statusFromName(const QString &name)
{
    return fromName(name, Status::Skipped, &InstallStack::statusName);
}

std::optional<InstallRecord::Step> InstallRecord::stepFromName(const QString &name)
{
    return fromName(name, Step::Finished, &InstallRecord::stepName);
}

std::optional<InstallRecord::Outcome> InstallRecord::outcomeFromName(const QString &name)
{
    return fromName(name, Outcome::Failed, &InstallRecord::outcomeName);
}
