// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/macaddress.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

QString Protocol::normalizedMac(const QString &text)
{
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}"_s));
    if (!pattern.match(text).hasMatch())
        return {};
    return text.toLower().replace(u'-', u':');
}
