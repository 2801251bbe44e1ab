// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "installprinter.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace {

QString column(const QString &text, int width) { return text.leftJustified(width); }

} // namespace

bool InstallPrinter::isSettled(const QJsonObject &install)
{
    return install.value(u"outcome"_s).toString() != u"running";
}

QString InstallPrinter::nextStepHint(const QJsonObject &install)
{
    const QString outcome = install.value(u"outcome"_s).toString();
    if (outcome == u"none")
        return u"no install has run on this rack; start one with: rackctl install start"_s;
    if (outcome == u"waiting-for-decision") {
        return u"stack %1 waits for a decision: %2\n  answer with: rackctl install retry | skip | accept | "
               u"add-mac MAC"_s.arg(install.value(u"current_stack"_s).toInt())
                   .arg([&install] {
                       for (const QJsonValue &value : install.value(u"stacks"_s).toArray()) {
                           if (value[u"id"_s].toInt() == install.value(u"current_stack"_s).toInt())
                               return value[u"problem"_s].toString();
                       }
                       return QString();
                   }());
    }
    if (!install.value(u"operator_instruction"_s).toString().isEmpty())
        return install.value(u"operator_instruction"_s).toString()
            + u"\n  when done: rackctl install confirm"_s;
    if (outcome == u"running")
        return u"running: %1"_s.arg(install.value(u"step"_s).toString());
    QString line = u"%1 %2"_s.arg(install.value(u"kind"_s).toString(), outcome);
    if (!install.value(u"error"_s).toString().isEmpty())
        line += u": "_s + install.value(u"error"_s).toString();
    return line + u"; relays: "_s + install.value(u"relays"_s).toString();
}

void InstallPrinter::print(QTextStream &out, const QJsonObject &install)
{
    if (install.value(u"outcome"_s).toString() == u"none") {
        out << nextStepHint(install) << '\n';
        return;
    }
    out << install.value(u"kind"_s).toString() << ' ' << install.value(u"id"_s).toString() << " by "
        << install.value(u"started_by"_s).toString() << ": " << install.value(u"outcome"_s).toString()
        << ", step " << install.value(u"step"_s).toString() << '\n';
    out << column(u"STACK"_s, 7) << column(u"STATUS"_s, 16) << column(u"FOUND"_s, 8) << column(u"TRIES"_s, 7)
        << "VERDICT\n";
    for (const QJsonValue &value : install.value(u"stacks"_s).toArray()) {
        const QJsonObject stack = value.toObject();
        out << column(QString::number(stack.value(u"id"_s).toInt()), 7)
            << column(stack.value(u"status"_s).toString(), 16)
            << column(
                   u"%1/%2"_s.arg(stack.value(u"found"_s).toInt()).arg(stack.value(u"expected"_s).toInt()), 8)
            << column(QString::number(stack.value(u"attempts"_s).toInt()), 7)
            << (stack.value(u"verdict"_s).toString().isEmpty() ? u"-"_s
                                                               : stack.value(u"verdict"_s).toString())
            << '\n';
    }
    const QJsonArray anomalies = install.value(u"anomalies"_s).toArray();
    if (!anomalies.isEmpty())
        out << "anomalies:\n";
    for (const QJsonValue &value : anomalies)
        out << "  [" << value[u"kind"_s].toString() << "] " << value[u"detail"_s].toString() << '\n';
    const QJsonArray checks = install.value(u"checks"_s).toArray();
    if (!checks.isEmpty()) {
        out << column(u"PI"_s, 12) << column(u"ADDRESS"_s, 16) << column(u"MAC"_s, 19) << "RESULT\n";
        for (const QJsonValue &value : checks) {
            const QJsonObject check = value.toObject();
            const QString result = check.value(u"ok"_s).toBool() ? u"ok"_s
                : check.value(u"mac"_s).toString().isEmpty() ? u"empty slot (no Pi placed, not waited for)"_s
                : !check.value(u"up"_s).toBool()
                ? u"agent not up"_s
                : u"up, but seen on %1"_s.arg(check.value(u"seen_address"_s).toString().isEmpty()
                        ? u"an unknown address"_s
                        : check.value(u"seen_address"_s).toString());
            out << column(check.value(u"name"_s).toString(), 12)
                << column(check.value(u"address"_s).toString(), 16)
                << column(
                       check.value(u"mac"_s).toString().isEmpty() ? u"-"_s : check.value(u"mac"_s).toString(),
                       19)
                << result << '\n';
        }
    }
    for (const QJsonValue &warning : install.value(u"warnings"_s).toArray())
        out << "warning: " << warning.toString() << '\n';
    out << nextStepHint(install) << '\n';
}
