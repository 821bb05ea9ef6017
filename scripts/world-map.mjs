// Turns Natural Earth's countries at 1:110m (npm world-atlas, ISC) into the outlines the figures page draws:
// {"width":…,"height":…,"countries":{"FR":"M…",…}}, keyed by ISO 3166-1 alpha-2 code (from i18n-iso-countries),
// projected with Equal Earth so that each country's area on the map is true to its area on the globe.
// Run by the .NET build (Countersign.csproj, target WorldMap) after npm ci: node scripts/world-map.mjs OUTPUT
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createRequire } from "node:module";
import { geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const output = process.argv[2];
if (!output) {
  console.error("usage: node scripts/world-map.mjs OUTPUT.json");
  process.exit(2);
}

const Width = 960;

// Antarctica has no signers to show and would take a fifth of the map's height.
const Left = new Set(["010"]);

const atlas = require("world-atlas/countries-110m.json");
const codes = require("i18n-iso-countries/codes.json");
const alpha2ByNumeric = new Map(codes.map(([alpha2, , numeric]) => [numeric, alpha2]));

// Kosovo, Northern Cyprus and Somaliland have no ISO numeric code: they stay on the map, unshaded, under no code.
const shapes = feature(atlas, atlas.objects.countries).features.filter((shape) => !Left.has(shape.id));
const world = { type: "FeatureCollection", features: shapes };
const projection = geoEqualEarth().fitWidth(Width, world);
const path = geoPath(projection).digits(0);
const [[, top], [, bottom]] = path.bounds(world);
const height = Math.ceil(bottom - top);
projection.translate([projection.translate()[0], projection.translate()[1] - top]);

/**
 * The outline again in whole pixels and relative moves ("M12,40l3,-1 2,4z"), without the points that rounding made
 * repeat and the islands it shrank to nothing: less than half the size of d3's absolute one, for a map sent with every figures page.
 */
function compact(outline) {
  let written = "";
  for (const ring of outline.split("M").filter(Boolean)) {
    const points = [];
    for (const pair of ring.replace(/Z$/, "").split("L")) {
      const [x, y] = pair.split(",").map(Number);
      const last = points[points.length - 1];
      if (!last || last[0] !== x || last[1] !== y) points.push([x, y]);
    }
    if (points.length < 3) continue;
    const moves = points.slice(1).map(([x, y], i) => `${x - points[i][0]},${y - points[i][1]}`);
    written += `M${points[0][0]},${points[0][1]}l${moves.join(" ").replace(/ -/g, "-")}z`;
  }
  return written;
}

const countries = {};
const unnamed = [];
for (const shape of shapes) {
  const code = shape.id === undefined ? undefined : alpha2ByNumeric.get(shape.id);
  const outline = compact(path(shape) ?? "");
  if (!outline) continue;
  if (code === undefined) {
    unnamed.push(outline);
  } else {
    countries[code] = (countries[code] ?? "") + outline;
  }
}

mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, JSON.stringify({ width: Width, height, countries, unnamed: unnamed.join("") }));
console.log(`world-map: ${Object.keys(countries).length} countries, ${Width}x${height}, written to ${output}`);
