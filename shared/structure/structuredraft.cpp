// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "structuredraft.h"

#include "inifile.h"
#include "structurereader.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace {

std::optional<int> integer(const IniSection &section, QStringView key)
{
    const IniEntry *entry = section.find(key);
    if (!entry)
        return std::nullopt;
    bool ok = false;
    const int number = entry->value.toInt(&ok);
    return ok ? std::optional<int>(number) : std::optional<int>(0);
}

/// Quotes what the INI reader would otherwise take for a comment or trim away.
QString iniValue(const QString &value)
{
    const bool needsQuotes = value.contains(u" ;"_s) || value.contains(u" #"_s) || value.contains(u"\t;"_s)
        || value.contains(u"\t#"_s) || value != value.trimmed() || value.startsWith(u'"');
    return needsQuotes ? u'"' + value + u'"' : value;
}

} // namespace

StructureDraft StructureDraft::fromIni(const QByteArray &content)
{
    StructureDraft draft;
    const IniFile ini = IniFile::parse(content);
    for (const IniSection &section : ini.sections()) {
        if (StructureReader::isRackSection(section.name)) {
            for (const IniEntry &entry : section.entries) {
                if (draft.value(entry.key).isNull())
                    draft.rackEntries.append({entry.key, entry.value});
            }
            continue;
        }
        DraftStack stack;
        bool numbered = false;
        const int fromName = section.name.toInt(&numbered);
        stack.id = integer(section, u"id").value_or(numbered ? fromName : 0);
        stack.row = integer(section, u"x").value_or(0);
        stack.column = integer(section, u"y").value_or(0);
        stack.relayChannel = integer(section, u"relay_channel");
        stack.pis = integer(section, u"pis");
        static const QStringList edited {u"id"_s, u"x"_s, u"y"_s, u"relay_channel"_s, u"pis"_s};
        for (const IniEntry &entry : section.entries) {
            const bool seen = std::any_of(stack.otherEntries.cbegin(), stack.otherEntries.cend(),
                [&entry](const QPair<QString, QString> &kept) { return kept.first == entry.key; });
            if (!edited.contains(entry.key) && !seen)
                stack.otherEntries.append({entry.key, entry.value});
        }
        draft.stacks.append(stack);
    }
    return draft;
}

StructureDraft StructureDraft::blank()
{
    StructureDraft draft;
    draft.rackEntries = {{u"pi_stack"_s, u"4"_s}, {u"rows"_s, u"1"_s}, {u"cols"_s, u"2"_s},
        {u"relay_backend"_s, u"simulated"_s}};
    draft.addStack(1, 1);
    draft.addStack(1, 2);
    return draft;
}

QString StructureDraft::value(const QString &key) const
{
    for (const auto &[name, text] : rackEntries) {
        if (name == key)
            return text;
    }
    return {};
}

void StructureDraft::setValue(const QString &key, const QString &text)
{
    for (auto &entry : rackEntries) {
        if (entry.first == key) {
            entry.second = text;
            return;
        }
    }
    rackEntries.append({key, text});
}

const DraftStack *StructureDraft::stack(int id) const
{
    const auto it
        = std::find_if(stacks.cbegin(), stacks.cend(), [id](const DraftStack &s) { return s.id == id; });
    return it == stacks.cend() ? nullptr : &*it;
}

DraftStack *StructureDraft::stack(int id)
{
    const auto it
        = std::find_if(stacks.begin(), stacks.end(), [id](const DraftStack &s) { return s.id == id; });
    return it == stacks.end() ? nullptr : &*it;
}

const DraftStack *StructureDraft::stackAt(int row, int column) const
{
    const auto it = std::find_if(stacks.cbegin(), stacks.cend(),
        [row, column](const DraftStack &s) { return s.row == row && s.column == column; });
    return it == stacks.cend() ? nullptr : &*it;
}

int StructureDraft::freeId() const
{
    int id = 1;
    while (stack(id))
        ++id;
    return id;
}

int StructureDraft::addStack(int row, int column)
{
    DraftStack added;
    added.id = freeId();
    added.row = row;
    added.column = column;
    stacks.append(added);
    return added.id;
}

bool StructureDraft::removeStack(int id)
{
    return stacks.removeIf([id](const DraftStack &s) { return s.id == id; }) > 0;
}

QByteArray StructureDraft::toIni() const
{
    QString text = u"; The rack's structure, written by PiRack's rack designer. Check it with\n"
                   u";     rackd --check THIS_FILE\n"
                   u"; x is the row and y the column, both from 1, looking at the front of the rack.\n\n"
                   u"[rack]\n"_s;
    for (const auto &[key, value] : rackEntries) {
        // nbr_stack is only ever informative; keep it true.
        text += key + u" = "_s + (key == u"nbr_stack" ? QString::number(stacks.size()) : iniValue(value))
            + u'\n';
    }
    QList<DraftStack> ordered = stacks;
    std::sort(
        ordered.begin(), ordered.end(), [](const DraftStack &a, const DraftStack &b) { return a.id < b.id; });
    for (const DraftStack &stack : std::as_const(ordered)) {
        text += u"\n[%1]\nid = %1\nx = %2\ny = %3\n"_s.arg(stack.id).arg(stack.row).arg(stack.column);
        if (stack.relayChannel)
            text += u"relay_channel = %1\n"_s.arg(*stack.relayChannel);
        if (stack.pis)
            text += u"pis = %1\n"_s.arg(*stack.pis);
        for (const auto &[key, value] : stack.otherEntries)
            text += key + u" = "_s + iniValue(value) + u'\n';
    }
    return text.toUtf8();
}
