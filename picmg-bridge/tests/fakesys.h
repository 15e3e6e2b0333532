/* Builds fake sysfs trees in a temp directory for the attribution tests. */
#ifndef PB_TEST_FAKESYS_H
#define PB_TEST_FAKESYS_H

#include <stddef.h>

/* Creates a fresh temp dir; returns 0 and its path in root (cap >= 64). */
int fakesys_create(char *root, size_t cap);
/* Removes the tree. */
void fakesys_destroy(const char *root);
/* Writes <root>/<rel> with content, creating parent directories. */
int fakesys_write(const char *root, const char *rel, const char *content);
/* Creates the directory <root>/<rel> and its parents. */
int fakesys_mkdir(const char *root, const char *rel);
/* A slot directory with an address (NULL: no address file). */
int fakesys_slot(const char *root, const char *name, const char *address);
/* A PCI function at devpath ("/devices/pci0000:00/.../0000:01:00.1") with ids "0x8086" etc.,
 * the bus/pci/devices link to it, an optional driver link and netdevs (NULL-terminated list). */
/* Recreates the slots of a recorded snapshot (slots.txt: "NAME key=value ..." per line). */
int fakesys_recorded_slots(const char *root, const char *slots_txt);

int fakesys_func(const char *root, const char *devpath, const char *vendor, const char *device,
                 const char *svendor, const char *sdevice, const char *class_code, const char *driver,
                 const char *const *netdevs);

#endif
