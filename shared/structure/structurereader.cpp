// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Past ~600 lines on purpose: every rule of the structure file is checked here, each with the
// file, line, section and key it reports, in the order README.md documents the keys.
#include "structurereader.h"

#include "inifile.h"
#include "structurelogging.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <cmath>
#include <limits>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

namespace {

const QString RackSection = u"rack"_s;

constexpr int MaximumPisPerStack = 64;
constexpr int MaximumGridSide = 64;
constexpr int MaximumStacks = 4096;
constexpr int MaximumStackId = 9999;

int editDistance(const QString &a, const QString &b)
{
    QList<int> previous(b.size() + 1);
    QList<int> current(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int substitution = previous[j - 1] + (a.at(i - 1) == b.at(j - 1) ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

QString closestKey(const QString &key, const QStringList &known)
{
    QString best;
    int bestDistance = 3; // suggest only near misses: typos, not different words
    for (const QString &candidate : known) {
        const int distance = editDistance(key, candidate);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return best;
}

bool isValidHostLabel(const QString &label)
{
    static const QRegularExpression pattern(
        u"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"_s, QRegularExpression::CaseInsensitiveOption);
    return pattern.match(label).hasMatch();
}

// Collects findings and reads typed values, so each check is one line in the reader below.
class Checker
{
public:
    explicit Checker(QString fileName)
        : m_file(std::move(fileName))
    { }

    void error(int line, const QString &section, const QString &key, const QString &message)
    {
        m_issues.append({StructureIssue::Severity::Error, m_file, line, section, key, message});
    }
    void warning(int line, const QString &section, const QString &key, const QString &message)
    {
        m_issues.append({StructureIssue::Severity::Warning, m_file, line, section, key, message});
    }

    QList<StructureIssue> takeIssues() { return std::move(m_issues); }
    bool hasErrors() const { return containsErrors(m_issues); }

    std::optional<int> integer(
        const IniSection &section, const QString &key, int minimum, int maximum, bool required)
    {
        const IniEntry *entry = section.find(key);
        if (!entry) {
            if (required)
                error(section.line, section.name, key, u"missing: this key is required"_s);
            return std::nullopt;
        }
        bool ok = false;
        const int value = entry->value.toInt(&ok, 10);
        if (!ok) {
            error(entry->line, section.name, key, u"\"%1\" is not a whole number"_s.arg(entry->value));
            return std::nullopt;
        }
        if (value < minimum || value > maximum) {
            error(entry->line, section.name, key,
                u"%1 is out of range (%2 to %3)"_s.arg(value).arg(minimum).arg(maximum));
            return std::nullopt;
        }
        return value;
    }

    std::optional<milliseconds> duration(const IniSection &section, const QString &key, double maximumSeconds)
    {
        const IniEntry *entry = section.find(key);
        if (!entry)
            return std::nullopt;
        bool ok = false;
        const double value = entry->value.toDouble(&ok);
        if (!ok || !std::isfinite(value)) {
            error(entry->line, section.name, key,
                u"\"%1\" is not a number of seconds (such as 2 or 0.5)"_s.arg(entry->value));
            return std::nullopt;
        }
        if (value < 0 || value > maximumSeconds) {
            error(entry->line, section.name, key,
                u"%1 s is out of range (0 to %2 s)"_s.arg(entry->value).arg(maximumSeconds));
            return std::nullopt;
        }
        return milliseconds(std::llround(value * 1000.0));
    }

    std::optional<bool> boolean(const IniSection &section, const QString &key)
    {
        const IniEntry *entry = section.find(key);
        if (!entry)
            return std::nullopt;
        const QString value = entry->value.toLower();
        if (value == u"true" || value == u"yes" || value == u"on" || value == u"1")
            return true;
        if (value == u"false" || value == u"no" || value == u"off" || value == u"0")
            return false;
        error(entry->line, section.name, key, u"\"%1\" is not true or false"_s.arg(entry->value));
        return std::nullopt;
    }

    std::optional<QString> text(const IniSection &section, const QString &key)
    {
        const IniEntry *entry = section.find(key);
        if (!entry)
            return std::nullopt;
        if (entry->value.isEmpty()) {
            error(entry->line, section.name, key, u"empty value"_s);
            return std::nullopt;
        }
        return entry->value;
    }

    /// One of a few words, read by `fromName`; `words` names them in the error.
    template<typename Value>
    std::optional<Value> choice(const IniSection &section, const QString &key,
        std::optional<Value> (*fromName)(const QString &), const QString &words)
    {
        const std::optional<QString> value = text(section, key);
        if (!value)
            return std::nullopt;
        const std::optional<Value> chosen = fromName(*value);
        if (!chosen)
            error(section.find(key)->line, section.name, key, u"\"%1\" is not %2"_s.arg(*value, words));
        return chosen;
    }

    std::optional<QHostAddress> ipv4(const IniSection &section, const QString &key)
    {
        const std::optional<QString> value = text(section, key);
        if (!value)
            return std::nullopt;
        QHostAddress address;
        if (!address.setAddress(*value) || address.protocol() != QAbstractSocket::IPv4Protocol) {
            error(section.find(key)->line, section.name, key, u"\"%1\" is not an IPv4 address"_s.arg(*value));
            return std::nullopt;
        }
        return address;
    }

    int lineOf(const IniSection &section, const QString &key) const
    {
        const IniEntry *entry = section.find(key);
        return entry ? entry->line : section.line;
    }

    // Duplicate keys and unknown keys are the same for every section.
    void checkKeys(const IniSection &section, const QStringList &known)
    {
        QHash<QString, int> firstLine;
        for (const IniEntry &entry : section.entries) {
            if (firstLine.contains(entry.key)) {
                error(entry.line, section.name, entry.key,
                    u"given twice (lines %1 and %2)"_s.arg(firstLine.value(entry.key)).arg(entry.line));
                continue;
            }
            firstLine.insert(entry.key, entry.line);
            if (!known.contains(entry.key)) {
                const QString suggestion = closestKey(entry.key, known);
                warning(entry.line, section.name, entry.key,
                    suggestion.isEmpty() ? u"unknown key, ignored"_s
                                         : u"unknown key, ignored (did you mean '%1'?)"_s.arg(suggestion));
            }
        }
    }

private:
    QString m_file;
    QList<StructureIssue> m_issues;
};

struct StackDraft
{
    RackStack stack;
    const IniSection *section = nullptr;
};

class Reader
{
public:
    Reader(const IniFile &ini, const QString &fileName)
        : m_ini(ini)
        , m_check(fileName)
    {
        m_structure.sourceFile = fileName;
    }

    StructureLoadResult run()
    {
        for (const IniSyntaxError &syntaxError : m_ini.errors())
            m_check.error(syntaxError.line, {}, {}, syntaxError.message);

        const IniSection *rack = findSections();
        if (rack)
            readRack(*rack);
        else
            m_check.error(
                0, RackSection, {}, u"the [rack] section is missing (it holds pi_stack, rows and cols)"_s);

        if (m_stackSections.isEmpty()) {
            m_check.error(
                0, {}, {}, u"no stack sections: add one section per stack, such as [1] with id, x and y"_s);
        }
        for (const IniSection *section : std::as_const(m_stackSections))
            readStack(*section, rack != nullptr);

        if (rack)
            checkStackCount(*rack);
        if (rack && !m_check.hasErrors())
            checkRackWide(*rack);

        StructureLoadResult result;
        result.status
            = m_check.hasErrors() ? StructureLoadResult::Status::Invalid : StructureLoadResult::Status::Valid;
        if (result.status == StructureLoadResult::Status::Valid)
            result.structure = m_structure;
        result.issues = m_check.takeIssues();
        // In file order, as a person reads the file; findings about missing things come last.
        std::stable_sort(
            result.issues.begin(), result.issues.end(), [](const StructureIssue &a, const StructureIssue &b) {
                const int lineA = a.line > 0 ? a.line : std::numeric_limits<int>::max();
                const int lineB = b.line > 0 ? b.line : std::numeric_limits<int>::max();
                return lineA < lineB;
            });
        return result;
    }

private:
    const IniSection *findSections()
    {
        const IniSection *rack = nullptr;
        QHash<QString, int> seen;
        for (const IniSection &section : m_ini.sections()) {
            const bool isRack = StructureReader::isRackSection(section.name);
            const QString identity = isRack ? RackSection : section.name;
            if (seen.contains(identity)) {
                m_check.error(section.line, section.name, {},
                    u"section appears twice (lines %1 and %2)"_s.arg(seen.value(identity)).arg(section.line));
                continue;
            }
            seen.insert(identity, section.line);
            if (isRack)
                rack = &section;
            else
                m_stackSections.append(&section);
        }
        return rack;
    }

    void readRack(const IniSection &rack)
    {
        m_check.checkKeys(rack, StructureReader::rackKeys());
        m_structure.pisPerStack
            = m_check.integer(rack, u"pi_stack"_s, 1, MaximumPisPerStack, true).value_or(0);
        m_structure.rows = m_check.integer(rack, u"rows"_s, 1, MaximumGridSide, true).value_or(0);
        m_structure.columns = m_check.integer(rack, u"cols"_s, 1, MaximumGridSide, true).value_or(0);
        m_structure.declaredStackCount = m_check.integer(rack, u"nbr_stack"_s, 1, MaximumStacks, false);

        RelayWiring &wiring = m_structure.wiring;
        if (const auto name = m_check.text(rack, u"relay_backend"_s)) {
            if (const auto kind = relayBackendFromName(*name))
                wiring.backend = *kind;
            else
                m_check.error(m_check.lineOf(rack, u"relay_backend"_s), rack.name, u"relay_backend"_s,
                    u"\"%1\" is not a relay backend (gpio, serial, simulated or manual)"_s.arg(*name));
        }
        wiring.activeLow = m_check.boolean(rack, u"active_low"_s).value_or(wiring.activeLow);
        wiring.gpioChip = m_check.text(rack, u"gpio_chip"_s).value_or(wiring.gpioChip);
        wiring.serialPort = m_check.text(rack, u"serial_port"_s).value_or(wiring.serialPort);
        if (const auto name = m_check.text(rack, u"serial_protocol"_s)) {
            if (const auto protocol = serialProtocolFromName(*name))
                wiring.serialProtocol = *protocol;
            else
                m_check.error(m_check.lineOf(rack, u"serial_protocol"_s), rack.name, u"serial_protocol"_s,
                    u"\"%1\" is not a serial relay protocol (lcus or numato)"_s.arg(*name));
        }
        if (const auto baud = m_check.integer(rack, u"serial_baud"_s, 1200, 921600, false)) {
            static const QList<int> standardRates {
                1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600};
            if (standardRates.contains(*baud))
                wiring.serialBaud = *baud;
            else
                m_check.error(m_check.lineOf(rack, u"serial_baud"_s), rack.name, u"serial_baud"_s,
                    u"%1 is not a standard baud rate (such as 9600 or 115200)"_s.arg(*baud));
        }

        wiring.serialVerify = m_check.boolean(rack, u"serial_verify"_s).value_or(wiring.serialVerify);

        PowerTiming &timing = m_structure.timing;
        timing.staggerDelay = m_check.duration(rack, u"stagger_delay"_s, 600).value_or(timing.staggerDelay);
        timing.minimumOffTime
            = m_check.duration(rack, u"min_off_time"_s, 3600).value_or(timing.minimumOffTime);
        timing.minimumSwitchInterval
            = m_check.duration(rack, u"min_switch_interval"_s, 3600).value_or(timing.minimumSwitchInterval);

        readAddressing(rack);
    }

    void readAddressing(const IniSection &rack)
    {
        Addressing &addressing = m_structure.addressing;
        if (const auto subnet = m_check.text(rack, u"subnet"_s)) {
            const int line = m_check.lineOf(rack, u"subnet"_s);
            const QPair<QHostAddress, int> parsed = QHostAddress::parseSubnet(*subnet);
            if (parsed.first.protocol() != QAbstractSocket::IPv4Protocol || !subnet->contains(u'/')) {
                m_check.error(line, rack.name, u"subnet"_s,
                    u"\"%1\" is not an IPv4 subnet such as 10.42.0.0/24"_s.arg(*subnet));
            } else if (parsed.second < 8 || parsed.second > 30) {
                m_check.error(line, rack.name, u"subnet"_s,
                    u"prefix length /%1 is out of range (/8 to /30)"_s.arg(parsed.second));
            } else if (QHostAddress(parsed.first).toString() != subnet->section(u'/', 0, 0).trimmed()) {
                m_check.error(line, rack.name, u"subnet"_s,
                    u"\"%1\" has host bits set; the network is %2/%3"_s.arg(*subnet, parsed.first.toString())
                        .arg(parsed.second));
            } else {
                addressing.network = parsed.first;
                addressing.prefixLength = parsed.second;
                // The other addresses follow a changed subnet unless they are given too.
                addressing.masterAddress = QHostAddress(addressing.network.toIPv4Address() + 1);
                addressing.firstAddress = QHostAddress(addressing.network.toIPv4Address() + 11);
            }
        }
        addressing.masterAddress = m_check.ipv4(rack, u"master_address"_s).value_or(addressing.masterAddress);
        addressing.firstAddress = m_check.ipv4(rack, u"first_address"_s).value_or(addressing.firstAddress);
        addressing.namePattern = m_check.text(rack, u"name_pattern"_s).value_or(addressing.namePattern);
    }

    void readStack(const IniSection &section, bool rackKnown)
    {
        m_check.checkKeys(section, StructureReader::stackKeys());
        StackDraft draft;
        draft.section = &section;
        RackStack &stack = draft.stack;

        bool nameIsNumber = false;
        const int idFromName = section.name.toInt(&nameIsNumber, 10);
        if (const IniEntry *idEntry = section.find(u"id"_s)) {
            stack.id = m_check.integer(section, u"id"_s, 1, MaximumStackId, true).value_or(0);
            if (stack.id > 0 && nameIsNumber && idFromName != stack.id) {
                m_check.warning(idEntry->line, section.name, u"id"_s,
                    u"id %1 differs from the section name [%2]; the id is used"_s.arg(stack.id).arg(
                        section.name));
            }
        } else if (nameIsNumber && idFromName >= 1 && idFromName <= MaximumStackId) {
            stack.id = idFromName;
        } else {
            m_check.error(section.line, section.name, u"id"_s,
                u"missing: a stack section needs an id (1 to %1), or a number as its name"_s.arg(
                    MaximumStackId));
        }

        stack.row = m_check.integer(section, u"x"_s, 1, MaximumGridSide, true).value_or(0);
        stack.column = m_check.integer(section, u"y"_s, 1, MaximumGridSide, true).value_or(0);
        stack.piCount = m_check.integer(section, u"pis"_s, 1, MaximumPisPerStack, false)
                            .value_or(m_structure.pisPerStack);
        readRelayChannel(section, stack);
        stack.recovery
            = m_check.choice(section, u"recovery"_s, &recoveryModeFromName, u"off, notify or recover"_s);
        stack.sharedStack
            = m_check.choice(section, u"shared_stack"_s, &sharedStackPolicyFromName, u"wait or drain"_s);

        if (rackKnown)
            checkAgainstOthers(draft);
        m_structure.stacks.append(stack);
    }

    void readRelayChannel(const IniSection &section, RackStack &stack)
    {
        const RelayWiring &wiring = m_structure.wiring;
        const ChannelRange range = relayChannelRange(wiring.backend, wiring.serialProtocol);
        if (section.find(u"relay_channel"_s)) {
            stack.relayChannel
                = m_check.integer(section, u"relay_channel"_s, range.first, range.last, true).value_or(-1);
            return;
        }
        std::optional<int> fallback;
        switch (wiring.backend) {
        case RelayBackendKind::Gpio:
            fallback = originalGpioChannel(stack.id);
            if (!fallback && stack.id > 0)
                m_check.error(section.line, section.name, u"relay_channel"_s,
                    u"missing: only stacks 1 to 4 have a default GPIO line (BCM 18, 25, 12, 21); "
                    "give the BCM line that drives this stack's relay"_s);
            break;
        case RelayBackendKind::Serial:
            m_check.error(section.line, section.name, u"relay_channel"_s,
                u"missing: with relay_backend = serial every stack needs the board channel of its relay"_s);
            break;
        case RelayBackendKind::Simulated:
        case RelayBackendKind::Manual:
            fallback = stack.id; // no physical wiring to get wrong
            break;
        }
        stack.relayChannel = fallback.value_or(-1);
    }

    void checkAgainstOthers(const StackDraft &draft)
    {
        const RackStack &stack = draft.stack;
        const IniSection &section = *draft.section;
        const auto earlier = [&](auto predicate) -> const StackDraft * {
            for (const StackDraft &other : std::as_const(m_drafts)) {
                if (predicate(other.stack))
                    return &other;
            }
            return nullptr;
        };
        const auto where = [](const StackDraft &other) {
            return u"[%1] at line %2"_s.arg(other.section->name).arg(other.section->line);
        };

        if (stack.id > 0) {
            if (const StackDraft *other = earlier([&](const RackStack &s) { return s.id == stack.id; }))
                m_check.error(m_check.lineOf(section, u"id"_s), section.name, u"id"_s,
                    u"stack id %1 is already used by %2"_s.arg(stack.id).arg(where(*other)));
        }
        if (stack.row > m_structure.rows && m_structure.rows > 0)
            m_check.error(m_check.lineOf(section, u"x"_s), section.name, u"x"_s,
                u"row %1 is outside the grid (rows = %2)"_s.arg(stack.row).arg(m_structure.rows));
        if (stack.column > m_structure.columns && m_structure.columns > 0)
            m_check.error(m_check.lineOf(section, u"y"_s), section.name, u"y"_s,
                u"column %1 is outside the grid (cols = %2)"_s.arg(stack.column).arg(m_structure.columns));
        if (stack.row > 0 && stack.column > 0) {
            if (const StackDraft *other
                = earlier([&](const RackStack &s) { return s.row == stack.row && s.column == stack.column; }))
                m_check.error(m_check.lineOf(section, u"x"_s), section.name, u"x"_s,
                    u"row %1, column %2 is already taken by stack %3 (%4)"_s.arg(stack.row)
                        .arg(stack.column)
                        .arg(other->stack.id)
                        .arg(where(*other)));
        }
        if (stack.relayChannel >= 0) {
            if (const StackDraft *other
                = earlier([&](const RackStack &s) { return s.relayChannel == stack.relayChannel; })) {
                const bool defaulted = !section.find(u"relay_channel"_s);
                m_check.error(m_check.lineOf(section, u"relay_channel"_s), section.name, u"relay_channel"_s,
                    u"channel %1%2 is already used by stack %3 (%4)"_s.arg(stack.relayChannel)
                        .arg(defaulted ? u" (this stack's default)"_s : QString())
                        .arg(other->stack.id)
                        .arg(where(*other)));
            }
        }
        m_drafts.append(draft);
    }

    // The original PiRack shipped a file whose nbr_stack was stale: say so, but trust the sections.
    void checkStackCount(const IniSection &rack)
    {
        const int sectionCount = int(m_stackSections.size());
        if (m_structure.declaredStackCount && sectionCount > 0
            && *m_structure.declaredStackCount != sectionCount) {
            m_check.warning(m_check.lineOf(rack, u"nbr_stack"_s), rack.name, u"nbr_stack"_s,
                u"nbr_stack = %1, but the file has %2 stack section(s); the %2 section(s) are used"_s
                    .arg(*m_structure.declaredStackCount)
                    .arg(sectionCount));
        }
    }

    void checkRackWide(const IniSection &rack)
    {
        std::sort(m_structure.stacks.begin(), m_structure.stacks.end(),
            [](const RackStack &a, const RackStack &b) { return a.id < b.id; });
        checkNamePattern(rack);
        checkAddresses(rack);
    }

    void checkNamePattern(const IniSection &rack)
    {
        const QString pattern = m_structure.addressing.namePattern;
        const int line = m_check.lineOf(rack, u"name_pattern"_s);
        static const QRegularExpression placeholder(u"\\{([^}]*)\\}"_s);
        for (auto it = placeholder.globalMatch(pattern); it.hasNext();) {
            const QString name = it.next().captured(1);
            if (name != u"stack" && name != u"slot" && name != u"index") {
                m_check.error(line, rack.name, u"name_pattern"_s,
                    u"unknown placeholder {%1} (use {stack}, {slot} or {index})"_s.arg(name));
                return;
            }
        }
        QHash<QString, RackSlot> seen;
        const QList<RackSlot> slots = m_structure.slots();
        for (const RackSlot &slot : slots) {
            if (!isValidHostLabel(slot.name)) {
                m_check.error(line, rack.name, u"name_pattern"_s,
                    u"gives \"%1\" for stack %2, slot %3, which is not a valid host name "
                    "(letters, digits and '-', at most 63)"_s.arg(slot.name)
                        .arg(slot.stackId)
                        .arg(slot.slot));
                return;
            }
            if (seen.contains(slot.name)) {
                const RackSlot &first = seen.value(slot.name);
                m_check.error(line, rack.name, u"name_pattern"_s,
                    u"gives the same name \"%1\" to stack %2 slot %3 and stack %4 slot %5"_s.arg(slot.name)
                        .arg(first.stackId)
                        .arg(first.slot)
                        .arg(slot.stackId)
                        .arg(slot.slot));
                return;
            }
            seen.insert(slot.name, slot);
        }
    }

    void checkAddresses(const IniSection &rack)
    {
        const Addressing &addressing = m_structure.addressing;
        const quint32 network = addressing.network.toIPv4Address();
        const quint32 hostBits
            = addressing.prefixLength >= 32 ? 0 : (quint32(1) << (32 - addressing.prefixLength)) - 1;
        const quint32 broadcast = network | hostBits;
        const QString subnetText
            = addressing.network.toString() + u'/' + QString::number(addressing.prefixLength);
        const auto usableHost = [&](quint32 address) { return address > network && address < broadcast; };

        const quint32 master = addressing.masterAddress.toIPv4Address();
        if (!usableHost(master)) {
            m_check.error(m_check.lineOf(rack, u"master_address"_s), rack.name, u"master_address"_s,
                u"%1 is not a host address in the subnet %2"_s.arg(
                    addressing.masterAddress.toString(), subnetText));
            return;
        }
        const quint32 first = addressing.firstAddress.toIPv4Address();
        if (!usableHost(first)) {
            m_check.error(m_check.lineOf(rack, u"first_address"_s), rack.name, u"first_address"_s,
                u"%1 is not a host address in the subnet %2"_s.arg(
                    addressing.firstAddress.toString(), subnetText));
            return;
        }
        const quint64 last = quint64(first) + quint64(m_structure.totalPis()) - 1;
        if (last >= broadcast) {
            m_check.error(m_check.lineOf(rack, u"first_address"_s), rack.name, u"first_address"_s,
                u"%1 Pis from %2 do not fit in the subnet %3 (the last would be %4)"_s
                    .arg(m_structure.totalPis())
                    .arg(addressing.firstAddress.toString(), subnetText,
                        QHostAddress(quint32(std::min<quint64>(last, 0xffffffffu))).toString()));
            return;
        }
        if (master >= first && master <= last) {
            m_check.error(m_check.lineOf(rack, u"master_address"_s), rack.name, u"master_address"_s,
                u"%1 lies inside the Pis' range %2 to %3; move first_address or master_address"_s.arg(
                    addressing.masterAddress.toString(), addressing.firstAddress.toString(),
                    QHostAddress(quint32(last)).toString()));
        }
    }

    const IniFile &m_ini;
    Checker m_check;
    RackStructure m_structure;
    QList<const IniSection *> m_stackSections;
    QList<StackDraft> m_drafts;
};

} // namespace

bool StructureReader::isRackSection(const QString &sectionName)
{
    return sectionName.compare(RackSection, Qt::CaseInsensitive) == 0;
}

QStringList StructureReader::rackKeys()
{
    return {u"pi_stack"_s, u"nbr_stack"_s, u"rows"_s, u"cols"_s, u"relay_backend"_s, u"active_low"_s,
        u"gpio_chip"_s, u"serial_port"_s, u"serial_protocol"_s, u"serial_baud"_s, u"serial_verify"_s,
        u"stagger_delay"_s, u"min_off_time"_s, u"min_switch_interval"_s, u"subnet"_s, u"master_address"_s,
        u"first_address"_s, u"name_pattern"_s};
}

QStringList StructureReader::stackKeys()
{
    return {u"id"_s, u"x"_s, u"y"_s, u"relay_channel"_s, u"pis"_s, u"recovery"_s, u"shared_stack"_s};
}

StructureLoadResult StructureReader::readFile(const QString &path)
{
    const auto unreadable = [&](const QString &reason) {
        StructureLoadResult result;
        result.status = StructureLoadResult::Status::Unreadable;
        result.issues.append({StructureIssue::Severity::Error, path, 0, {}, {}, reason});
        return result;
    };
    const QFileInfo info(path);
    if (!info.exists())
        return unreadable(u"cannot read the structure file: it does not exist"_s);
    if (info.isDir())
        return unreadable(u"cannot read the structure file: it is a directory"_s);
    if (info.size() > MaximumFileSize)
        return unreadable(
            u"cannot read the structure file: %1 bytes is more than the %2 bytes a structure file "
            "may have"_s.arg(info.size())
                .arg(MaximumFileSize));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return unreadable(u"cannot read the structure file: %1"_s.arg(file.errorString()));
    const QByteArray content = file.read(MaximumFileSize + 1);
    if (file.error() != QFileDevice::NoError)
        return unreadable(u"cannot read the structure file: %1"_s.arg(file.errorString()));
    return parse(content, path);
}

StructureLoadResult StructureReader::parse(const QByteArray &content, const QString &fileName)
{
    const IniFile ini = IniFile::parse(content);
    StructureLoadResult result = Reader(ini, fileName).run();
    qCDebug(lcStructure) << fileName << "read:" << result.issues.size() << "finding(s)";
    return result;
}
