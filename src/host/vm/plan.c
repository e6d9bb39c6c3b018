// SPDX-License-Identifier: GPL-2.0-or-later
/* The slot structure of a plan's sorted devices, for every VM manager. */
#include "host/vm/vm.h"

bool vm_slot_first(const struct vm_plan *plan, unsigned int i)
{
	return i == 0 || !pci_same_slot(&plan->devs[i - 1]->addr, &plan->devs[i]->addr);
}

bool vm_slot_has_more(const struct vm_plan *plan, unsigned int i)
{
	return (i + 1 < plan->n_devs &&
		pci_same_slot(&plan->devs[i + 1]->addr, &plan->devs[i]->addr)) ||
	       !vm_slot_first(plan, i);
}
