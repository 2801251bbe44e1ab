// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "nodeinventory.h"

#include <QByteArray>
#include <optional>

/**
 * How PiRack hands its nodes to the tools that drive them: Ansible inventories (INI and YAML)
 * grouped by stack (`stack1`, ...; all under `pirack`), an /etc/hosts fragment, an MPI hostfile
 * with each Pi's cores as its slots, and JSON. Only placed nodes are exported, in rack order, with
 * their fixed names and addresses.
 */
namespace InventoryExport {

enum class Format { AnsibleIni, AnsibleYaml, Hosts, Mpi, Json };

std::optional<Format> formatFromName(const QString &name);
QStringList formatNames();
QByteArray render(Format format, const QList<NodeRecord> &nodes);

} // namespace InventoryExport
