// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// rackctl __complete WORDS...: what bash's completion (resources/completion/rackctl) offers after the
// words typed so far. Command words come from the same table as --help; stack ids, node names and
// MACs from the rack itself, asked with the connection options the command line gives.
#include "rackctl.h"

#include "command.h"
#include "savedrackcommands.h"

#include <QJsonArray>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace {

// The word that stands for an argument at `position` in a command's usage ("STACK...|all" -> STACK).
QString placeholderAt(const QString &arguments, qsizetype position)
{
    QStringList placeholders;
    for (QString word : arguments.split(u' ', Qt::SkipEmptyParts)) {
        if (word.startsWith(u"--") || word.startsWith(u"[--"))
            break; // options follow: bash offers those itself
        word.remove(u'[').remove(u']');
        placeholders.append(word);
    }
    if (placeholders.isEmpty())
        return {};
    if (position < placeholders.size())
        return placeholders.at(position);
    // A repeated last argument ("STACK...") takes more of the same.
    return placeholders.constLast().contains(u"..."_s) ? placeholders.constLast() : QString();
}

} // namespace

std::optional<QStringList> Rackctl::completionWords(const QStringList &typed, QString *fromRack)
{
    fromRack->clear();
    // Words that continue a command name ("power" -> on off cycle graceful-off).
    QStringList next;
    const auto offer = [&next, &typed](const QStringList &words) {
        if (words.size() > typed.size() && words.mid(0, typed.size()) == typed
            && !next.contains(words.at(typed.size())))
            next.append(words.at(typed.size()));
    };
    for (const Command &command : commands())
        offer(command.words);
    for (const QString &verb : {u"add"_s, u"list"_s, u"use"_s, u"remove"_s})
        offer({u"rack"_s, verb});
    if (!next.isEmpty())
        return next;
    if (typed.value(0) == u"rack" && (typed.value(1) == u"use" || typed.value(1) == u"remove")
        && typed.size() == 2) {
        *fromRack = u"racks"_s;
        return std::nullopt;
    }
    const Command *command = match(typed);
    if (!command)
        return QStringList();
    const QString placeholder = placeholderAt(command->arguments, typed.size() - command->words.size());
    if (placeholder.startsWith(u"FAMILY"))
        return Protocol::eventFamilies();
    if (placeholder.startsWith(u"STACK"))
        *fromRack = placeholder.contains(u"all") ? u"stacks-all"_s : u"stacks"_s;
    else if (placeholder == u"TARGET")
        *fromRack = u"targets"_s;
    else if (placeholder == u"MAC")
        *fromRack = u"macs"_s;
    else
        return QStringList();
    return std::nullopt;
}

void Rackctl::completeFromRack()
{
    const auto printAll = [this](const QStringList &words) {
        for (const QString &word : words)
            m_out << word << '\n';
    };
    if (m_completion == u"racks") {
        SavedRacks racks;
        QString error;
        if (racks.load(&error)) {
            for (const SavedRack &rack : racks.racks())
                m_out << rack.name << '\n';
        }
        return finish(Ok);
    }
    const bool wantsStacks = m_completion.startsWith(u"stacks") || m_completion == u"targets";
    const bool wantsNodes = m_completion == u"macs" || m_completion == u"targets";
    m_client.request(Protocol::Method::Status, {},
        [this, wantsStacks, wantsNodes, printAll](const Protocol::Reply &status) {
            QStringList words;
            if (wantsStacks && !status.isError()) {
                for (const QJsonValue &stack : status.result.value(u"stacks"_s).toArray()) {
                    const QString id = QString::number(stack.toObject().value(u"id"_s).toInt());
                    words.append(m_completion == u"targets" ? u"stack:"_s + id : id);
                }
                if (m_completion != u"stacks")
                    words.append(u"all"_s);
            }
            if (!wantsNodes) {
                printAll(words);
                return finish(Ok);
            }
            m_client.request(
                Protocol::Method::Nodes, {}, [this, words, printAll](const Protocol::Reply &nodes) {
                    QStringList all = words;
                    for (const QJsonValue &value : nodes.result.value(u"nodes"_s).toArray()) {
                        const QJsonObject node = value.toObject();
                        const QString name = node.value(u"name"_s).toString();
                        if (m_completion == u"targets" && !name.isEmpty())
                            all.append(name);
                        else if (m_completion == u"macs")
                            all.append(node.value(u"mac"_s).toString());
                    }
                    printAll(all);
                    finish(Ok);
                });
        });
}
