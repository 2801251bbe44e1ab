// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QRegularExpression>
#include <QString>

/**
 * What a node may be called: one lower-case DNS label (1 to 63 letters, digits and '-', not
 * starting or ending with '-'). rackd names nodes by it, and an agent takes no other name for its Pi.
 */
inline bool isNodeName(const QString &name)
{
    static const QRegularExpression label(
        QRegularExpression::anchoredPattern(QStringLiteral("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")));
    return label.match(name).hasMatch();
}
