// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "framing.h"

#include <QJsonDocument>
#include <QScopeGuard>
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

void FrameDecoder::append(const QByteArray &bytes)
{
    if (m_offset > 0) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes);
}

FrameDecoder::Result FrameDecoder::next()
{
    using Status = Result::Status;
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < HeaderSize)
        return {};
    const char *frame = m_buffer.constData() + m_offset;
    const quint32 length = qFromBigEndian<quint32>(frame);
    if (length == 0)
        return {Status::Fatal, {}, u"a frame of length 0"_s};
    if (qint64(length) > m_maximumPayload)
        return {Status::Fatal, {},
            u"a frame of %1 bytes is larger than the %2 allowed"_s.arg(length).arg(m_maximumPayload)};
    if (available < HeaderSize + qsizetype(length))
        return {};
    // Parsed in place; the buffer is let go once everything in it is read, so that an idle
    // connection holds no memory (a rack keeps thousands of them).
    const QByteArray payload = QByteArray::fromRawData(frame + HeaderSize, qsizetype(length));
    m_offset += HeaderSize + qsizetype(length);
    const auto releaseIfRead = qScopeGuard([this] {
        if (m_offset == m_buffer.size()) {
            m_buffer = QByteArray();
            m_offset = 0;
        }
    });

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return {Status::BadPayload, {},
            u"not valid JSON: %1 at byte %2"_s.arg(parseError.errorString()).arg(parseError.offset)};
    if (!document.isObject())
        return {Status::BadPayload, {}, u"the message is not a JSON object"_s};
    return {Status::Message, document.object(), {}};
}
