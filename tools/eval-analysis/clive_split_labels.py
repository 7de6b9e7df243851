#!/usr/bin/env python3
"""Label files for `./visq eval --dataset NAME=DIR --labels FILE` that reproduce the CLIVE split of a run: the
validation photos (those of a `clive-validation-predictions.csv` written by `./visq eval`) and every third training
photo (the rest of mos.csv), so a checkpoint's score can be compared on photos it trained on and photos it did not.

usage: python3 tools/eval-analysis/clive_split_labels.py <clive-validation-predictions.csv> <mos.csv> <out-dir>
writes <out-dir>/clive-val-mos.csv and <out-dir>/clive-train-mos.csv (mos.csv's columns and rows, in its order)
"""
import csv, os, sys

if len(sys.argv) != 4:
    sys.exit(__doc__)
predictions, mos, out = sys.argv[1:]
validation = {os.path.basename(row['image']) for row in csv.DictReader(open(predictions))}
with open(mos) as f:
    reader = csv.DictReader(f)
    columns, rows = reader.fieldnames, list(reader)
missing = validation - {row['image'] for row in rows}
if missing:
    sys.exit(f"{len(missing)} validation photos are not in {mos}, e.g. {sorted(missing)[0]}")
held_out = [row for row in rows if row['image'] in validation]
trained = [row for row in rows if row['image'] not in validation][::3]
os.makedirs(out, exist_ok=True)
for name, subset in (('clive-val-mos.csv', held_out), ('clive-train-mos.csv', trained)):
    with open(os.path.join(out, name), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(subset)
    print(f"{name}: {len(subset)} photos")
