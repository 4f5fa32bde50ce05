/*
 * paths.h -- where the data files of clustersim are: instance catalogs and
 * pod profiles (models/) and gnuplot scripts (scripts/plot/).
 *
 * Order of precedence, so a developer's build finds the tree it was built
 * from and an installed binary finds its share/ folder:
 *   1. the environment ($CLUSTERSIM_MODELS, $CLUSTERSIM_PLOT_SCRIPTS);
 *   2. the source tree the binary was built from (CLUSTERSIM_SOURCE_DIR),
 *      when that folder exists;
 *   3. the install prefix (CLUSTERSIM_DATA_DIR = <prefix>/share/clustersim).
 * Both macros are defined by CMakeLists.txt.
 *
 * The functions only read the environment and the file system; the strings
 * returned are the environment's or static (never freed, never NULL).
 */
#ifndef CLUSTERSIM_PATHS_H
#define CLUSTERSIM_PATHS_H

const char *paths_models_dir(void);
const char *paths_plot_dir(void);

#endif
