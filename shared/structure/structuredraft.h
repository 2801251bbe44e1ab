// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structurereader.h"

#include <QList>
#include <QPair>
#include <QString>
#include <optional>

/// One stack as the designer edits it: anything may be wrong until the draft is validated.
struct DraftStack
{
    int id = 0;
    int row = 0; ///< `x` in the file
    int column = 0; ///< `y` in the file
    std::optional<int>
        relayChannel; ///< Empty: the backend's default (stacks 1-4 on GPIO, the id when simulated).
    std::optional<int> pis; ///< Empty: the rack's pi_stack.
    /// The section's other keys (its recovery policy), as written: the designer keeps them.
    QList<QPair<QString, QString>> otherEntries;
};

/**
 * A structure file being designed: the [rack] keys as written (so keys the designer does not edit,
 * such as the addressing, survive) and the stacks. It may be invalid at any moment; validate()
 * runs the very reader rackd uses on the text toIni() would save, so the designer can only save
 * what rackd will load.
 */
class StructureDraft
{
public:
    QList<QPair<QString, QString>> rackEntries; ///< [rack] key = value, in file order.
    QList<DraftStack> stacks;

    /// Reads a file's content as far as it goes; what cannot be read is left empty or 0.
    static StructureDraft fromIni(const QByteArray &content);
    /// A small valid rack to start from: 1 row x 2 columns, simulated relays.
    static StructureDraft blank();

    QString value(const QString &key) const;
    void setValue(const QString &key, const QString &value);
    int intValue(const QString &key) const { return value(key).toInt(); }

    const DraftStack *stack(int id) const;
    DraftStack *stack(int id);
    const DraftStack *stackAt(int row, int column) const;
    /// The lowest id not in use.
    int freeId() const;
    /// Adds a stack with the next free id at this cell; its id.
    int addStack(int row, int column);
    bool removeStack(int id);

    /// The file text: a short header, [rack], then one section per stack in id order.
    QByteArray toIni() const;
    StructureLoadResult validate(const QString &fileName) const
    {
        return StructureReader::parse(toIni(), fileName);
    }
};
