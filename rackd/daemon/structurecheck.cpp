// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "structurecheck.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace {

QString seconds(std::chrono::milliseconds duration)
{
    return QString::number(double(duration.count()) / 1000.0) + u" s"_s;
}

QString relayDescription(const RackStructure &structure)
{
    const RelayWiring &wiring = structure.wiring;
    switch (wiring.backend) {
    case RelayBackendKind::Gpio:
        return u"gpio on %1, %2"_s.arg(wiring.gpioChip,
            wiring.activeLow ? u"active-low (pin low = stack powered)"_s
                             : u"active-high (pin high = stack powered)"_s);
    case RelayBackendKind::Serial:
        return u"serial %1 board on %2 at %3 baud%4"_s
            .arg(serialProtocolName(wiring.serialProtocol), wiring.serialPort)
            .arg(wiring.serialBaud)
            .arg(wiring.serialVerify ? u", switches read back"_s : u", switches not read back"_s);
    case RelayBackendKind::Simulated:
        return u"simulated (no hardware)"_s;
    case RelayBackendKind::Manual:
        return u"manual (the operator plugs each stack when asked)"_s;
    }
    return {};
}

QString channelName(const RackStructure &structure, int channel)
{
    return structure.wiring.backend == RelayBackendKind::Gpio ? u"BCM %1"_s.arg(channel)
                                                              : u"ch %1"_s.arg(channel);
}

} // namespace

int StructureCheck::exitCode(const StructureLoadResult &result)
{
    switch (result.status) {
    case StructureLoadResult::Status::Valid:
        return Valid;
    case StructureLoadResult::Status::Invalid:
        return Invalid;
    case StructureLoadResult::Status::Unreadable:
        return Unreadable;
    }
    return Unreadable;
}

QString StructureCheck::describe(const RackStructure &structure)
{
    QString text;
    QTextStream out(&text);
    const QList<RackSlot> slots = structure.slots();
    const Addressing &addressing = structure.addressing;

    out << structure.stacks.size() << " stack(s), " << structure.totalPis() << " Pi(s), on a "
        << structure.rows << " x " << structure.columns << " grid (rows x columns)\n";
    out << "relays:    " << relayDescription(structure) << '\n';
    out << "timing:    " << seconds(structure.timing.staggerDelay)
        << " between stacks at power-on, off at least " << seconds(structure.timing.minimumOffTime)
        << " before on again, at least " << seconds(structure.timing.minimumSwitchInterval)
        << " between two switches of a relay\n";
    out << "addresses: subnet " << addressing.network.toString() << '/' << addressing.prefixLength
        << ", master " << addressing.masterAddress.toString();
    if (!slots.isEmpty())
        out << ", Pis " << slots.constFirst().address.toString() << " to "
            << slots.constLast().address.toString();
    out << ", names " << addressing.namePattern << "\n\n";

    // The grid as it physically stands: row 1 at the top, column 1 on the left.
    constexpr int cellWidth = 8;
    const auto endLine = [&out](QString line) {
        while (line.endsWith(u' '))
            line.chop(1);
        out << line << '\n';
    };
    out << "grid (stack ids; '.' is an empty place):\n";
    QString header(7, u' ');
    for (int column = 1; column <= structure.columns; ++column)
        header += QString(u"col " + QString::number(column)).leftJustified(cellWidth);
    endLine(header);
    for (int row = 1; row <= structure.rows; ++row) {
        QString line = QString(u"row " + QString::number(row)).leftJustified(7);
        for (int column = 1; column <= structure.columns; ++column) {
            const RackStack *stack = structure.stackAt(row, column);
            line += (stack ? QString(u'[' + QString::number(stack->id) + u']') : u"."_s)
                        .leftJustified(cellWidth);
        }
        endLine(line);
    }

    out << "\nstack  row  col  relay    pis  names              addresses\n";
    for (const RackStack &stack : structure.stacks) {
        QList<RackSlot> own;
        for (const RackSlot &slot : slots) {
            if (slot.stackId == stack.id)
                own.append(slot);
        }
        out << QString::number(stack.id).leftJustified(7) << QString::number(stack.row).leftJustified(5)
            << QString::number(stack.column).leftJustified(5)
            << channelName(structure, stack.relayChannel).leftJustified(9)
            << QString::number(stack.piCount).leftJustified(5)
            << QString(own.constFirst().name + u" .. "_s + own.constLast().name).leftJustified(19)
            << own.constFirst().address.toString() << " - " << own.constLast().address.toString() << '\n';
    }
    out.flush();
    return text;
}

QJsonObject StructureCheck::toJson(const StructureLoadResult &result, const QString &path)
{
    QJsonArray issues;
    for (const StructureIssue &issue : result.issues)
        issues.append(issue.toJson());
    QJsonObject object {{u"file"_s, path}, {u"valid"_s, result.status == StructureLoadResult::Status::Valid},
        {u"readable"_s, result.status != StructureLoadResult::Status::Unreadable}, {u"issues"_s, issues}};
    if (result.structure)
        object.insert(u"structure"_s, result.structure->toJson());
    return object;
}

int StructureCheck::run(const QString &path, bool json, QTextStream &out, QTextStream &err)
{
    const StructureLoadResult result = StructureReader::readFile(path);
    if (json) {
        out << QJsonDocument(toJson(result, path)).toJson(QJsonDocument::Indented);
        out.flush();
        return exitCode(result);
    }
    for (const StructureIssue &issue : result.issues)
        err << issue.toString() << '\n';
    err.flush();
    if (result.structure) {
        out << path << ": the structure is valid\n" << describe(*result.structure);
    } else {
        const auto errors = std::count_if(result.issues.cbegin(), result.issues.cend(),
            [](const StructureIssue &issue) { return issue.isError(); });
        err << path << ": "
            << (result.status == StructureLoadResult::Status::Unreadable
                       ? u"cannot be read"_s
                       : u"is not valid (%1 error(s))"_s.arg(errors))
            << '\n';
        err.flush();
    }
    out.flush();
    return exitCode(result);
}
