// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "installprinter.h"

#include "protocol/installrecord.h"

using namespace Qt::Literals::StringLiterals;
using Outcome = InstallRecord::Outcome;

namespace {

QString column(const QString &text, int width) { return text.leftJustified(width); }

/// rackd answers {"active": false, "outcome": "none"} when no install has run: no record at all.
bool noInstallHasRun(const QJsonObject &install) { return install.value(u"outcome"_s).toString() == u"none"; }

QString checkResult(const InstallPiCheck &check)
{
    if (check.isOk())
        return u"ok"_s;
    if (check.mac.isEmpty())
        return u"empty slot (no Pi placed, not waited for)"_s;
    if (!check.up)
        return u"agent not up"_s;
    return u"up, but seen on %1"_s.arg(
        check.seenAddress.isEmpty() ? u"an unknown address"_s : check.seenAddress);
}

QString hint(const InstallRecord &record)
{
    if (record.outcome == Outcome::WaitingForDecision) {
        const InstallStack *stack
            = record.current < record.stacks.size() ? &record.stacks.at(record.current) : nullptr;
        return u"stack %1 waits for a decision: %2\n  answer with: rackctl install retry | skip | accept | "
               u"add-mac MAC"_s.arg(stack ? stack->id : 0)
                   .arg(stack ? stack->problem : QString());
    }
    if (!record.operatorInstruction.isEmpty())
        return record.operatorInstruction + u"\n  when done: rackctl install confirm"_s;
    if (record.outcome == Outcome::Running)
        return u"running: %1"_s.arg(InstallRecord::stepName(record.step));
    QString line
        = u"%1 %2"_s.arg(InstallRecord::kindName(record.kind), InstallRecord::outcomeName(record.outcome));
    if (!record.error.isEmpty())
        line += u": "_s + record.error;
    return line + u"; relays: "_s + record.relays;
}

} // namespace

bool InstallPrinter::isSettled(const QJsonObject &install)
{
    QString error;
    const std::optional<InstallRecord> record = InstallRecord::fromJson(install, &error);
    return !record || record->outcome != Outcome::Running;
}

QString InstallPrinter::nextStepHint(const QJsonObject &install)
{
    if (noInstallHasRun(install))
        return u"no install has run on this rack; start one with: rackctl install start"_s;
    QString error;
    const std::optional<InstallRecord> record = InstallRecord::fromJson(install, &error);
    return record ? hint(*record) : u"rackd sent an install record rackctl cannot read (%1)"_s.arg(error);
}

void InstallPrinter::print(QTextStream &out, const QJsonObject &install)
{
    QString error;
    const std::optional<InstallRecord> record
        = noInstallHasRun(install) ? std::nullopt : InstallRecord::fromJson(install, &error);
    if (!record) {
        out << nextStepHint(install) << '\n';
        return;
    }
    out << InstallRecord::kindName(record->kind) << ' ' << record->id << " by " << record->startedBy << ": "
        << InstallRecord::outcomeName(record->outcome) << ", step " << InstallRecord::stepName(record->step)
        << '\n';
    out << column(u"STACK"_s, 7) << column(u"STATUS"_s, 16) << column(u"FOUND"_s, 8) << column(u"TRIES"_s, 7)
        << "VERDICT\n";
    for (const InstallStack &stack : record->stacks) {
        out << column(QString::number(stack.id), 7) << column(InstallStack::statusName(stack.status), 16)
            << column(u"%1/%2"_s.arg(stack.macs.size()).arg(stack.expected()), 8)
            << column(QString::number(stack.attempts), 7)
            << (stack.verdict.isEmpty() ? u"-"_s : stack.verdict) << '\n';
    }
    if (!record->anomalies.isEmpty())
        out << "anomalies:\n";
    for (const InstallAnomaly &anomaly : record->anomalies)
        out << "  [" << InstallAnomaly::kindName(anomaly.kind) << "] " << anomaly.detail << '\n';
    if (!record->checks.isEmpty()) {
        out << column(u"PI"_s, 12) << column(u"ADDRESS"_s, 16) << column(u"MAC"_s, 19) << "RESULT\n";
        for (const InstallPiCheck &check : record->checks) {
            out << column(check.name, 12) << column(check.address, 16)
                << column(check.mac.isEmpty() ? u"-"_s : check.mac, 19) << checkResult(check) << '\n';
        }
    }
    for (const QString &warning : record->warnings)
        out << "warning: " << warning << '\n';
    out << hint(*record) << '\n';
}
