// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "printable.h"

#include <QList>

#include <algorithm>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace Printable {

namespace {

QString escaped(char32_t codePoint)
{
    const uint value = uint(codePoint);
    return value <= 0xff  ? u"\\x%1"_s.arg(value, 2, 16, QLatin1Char('0'))
        : value <= 0xffff ? u"\\u%1"_s.arg(value, 4, 16, QLatin1Char('0'))
                          : u"\\U%1"_s.arg(value, 8, 16, QLatin1Char('0'));
}

// Each code point as it may be shown; `keep` says which control characters stay as they are.
template<typename Keep>
QString rewritten(const QString &text, qsizetype maximumLength, Keep keep)
{
    QString result;
    result.reserve(std::min(text.size(), maximumLength) + 1);
    const QList<uint> codePoints = text.toUcs4();
    for (uint value : codePoints) {
        const char32_t codePoint = char32_t(value);
        const QString piece = !isControl(codePoint) || keep(codePoint) ? QString::fromUcs4(&codePoint, 1)
                                                                       : escaped(codePoint);
        if (result.size() + piece.size() > maximumLength) {
            result += u"…"_s;
            break;
        }
        result += piece;
    }
    return result;
}

} // namespace

bool isControl(char32_t codePoint)
{
    const QChar::Category category = QChar::category(codePoint);
    return category == QChar::Other_Control || category == QChar::Other_Format
        || category == QChar::Separator_Line || category == QChar::Separator_Paragraph
        || category == QChar::Other_Surrogate || category == QChar::Other_NotAssigned;
}

bool hasControl(const QString &text)
{
    const QList<uint> codePoints = text.toUcs4();
    return std::any_of(codePoints.cbegin(), codePoints.cend(), [](uint c) { return isControl(char32_t(c)); });
}

QString oneLine(const QString &text, qsizetype maximumLength)
{
    return rewritten(text, maximumLength, [](char32_t) { return false; });
}

QString forTerminal(const QString &text)
{
    return rewritten(
        text, std::numeric_limits<qsizetype>::max() / 2, [](char32_t c) { return c == U'\n' || c == U'\t'; });
}

QString forLog(const QString &message)
{
    QString text = rewritten(message, std::numeric_limits<qsizetype>::max() / 2,
        [](char32_t c) { return c == U'\n' || c == U'\t'; });
    return text.replace(u'\n', u"\n    "_s);
}

} // namespace Printable
