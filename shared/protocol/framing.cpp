// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "framing.h"

#include <QJsonDocument>
#include <QtEndian>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qsizetype HeaderSize = 4;
}

QByteArray encodeFrame(const QJsonObject &message)
{
    const QByteArray payload = QJsonDocument(message).toJson(QJsonDocument::Compact);
    QByteArray frame(HeaderSize, Qt::Uninitialized);
    qToBigEndian(quint32(payload.size()), frame.data());
    return frame + payload;
}

FrameDecoder::FrameDecoder(qint64 maximumPayload)
    : m_maximumPayload(maximumPayload)
{ }

void FrameDecoder::append(const QByteArray &bytes) { m_buffer.append(bytes); }

FrameDecoder::Result FrameDecoder::next()
{
    using Status = Result::Status;
    if (m_buffer.size() < HeaderSize)
        return {};
    const quint32 length = qFromBigEndian<quint32>(m_buffer.constData());
    if (length == 0)
        return {Status::Fatal, {}, u"a frame of length 0"_s};
    if (qint64(length) > m_maximumPayload)
        return {Status::Fatal, {},
            u"a frame of %1 bytes is larger than the %2 allowed"_s.arg(length).arg(m_maximumPayload)};
    if (m_buffer.size() < HeaderSize + qsizetype(length))
        return {};
    const QByteArray payload = m_buffer.mid(HeaderSize, length);
    m_buffer.remove(0, HeaderSize + qsizetype(length));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return {Status::BadPayload, {},
            u"not valid JSON: %1 at byte %2"_s.arg(parseError.errorString()).arg(parseError.offset)};
    if (!document.isObject())
        return {Status::BadPayload, {}, u"the message is not a JSON object"_s};
    return {Status::Message, document.object(), {}};
}
