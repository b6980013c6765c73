//! The dependency graph of measures: an edge from each measure to every measure that
//! reads it. One graph gives both the evaluation layers and every cycle, at the level
//! of measures, so a part may read a sibling part. It never reads files.

use std::collections::HashMap;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{Kpi, Measure};

/// Measures in catalogue order, and which reads which.
pub struct Graph<'a> {
    pub measures: Vec<&'a Measure>,
    graph: DiGraph<usize, ()>,
}

impl<'a> Graph<'a> {
    pub fn new(kpis: &'a [Kpi]) -> Self {
        let measures: Vec<&Measure> = kpis.iter().flat_map(|k| &k.measures).collect();
        let index: HashMap<&str, usize> = measures
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), i))
            .collect();
        let mut graph = DiGraph::with_capacity(measures.len(), measures.len());
        for i in 0..measures.len() {
            graph.add_node(i);
        }
        for (reader, m) in measures.iter().enumerate() {
            for read in &m.formula.reads {
                if let Some(&dep) = index.get(read.as_str()) {
                    graph.add_edge(NodeIndex::new(dep), NodeIndex::new(reader), ());
                }
            }
        }
        Graph { measures, graph }
    }

    /// Every cycle: the measures (indices, in catalogue order) of each group that reads
    /// itself round, including a measure that reads itself.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut cycles: Vec<Vec<usize>> = tarjan_scc(&self.graph)
            .into_iter()
            .filter(|scc| scc.len() > 1 || self.graph.contains_edge(scc[0], scc[0]))
            .map(|scc| {
                let mut members: Vec<usize> = scc.iter().map(|n| n.index()).collect();
                members.sort_unstable();
                members
            })
            .collect();
        cycles.sort();
        cycles
    }

    /// Measure indices in layers: each measure reads only measures of earlier layers;
    /// within a layer, catalogue order. Measures in or behind a cycle (a validated
    /// catalogue has none) come last, in one layer of their own.
    pub fn layers(&self) -> Vec<Vec<usize>> {
        let n = self.measures.len();
        let mut done = vec![false; n];
        let mut layers: Vec<Vec<usize>> = Vec::new();
        let mut left = n;
        while left > 0 {
            let ready: Vec<usize> = (0..n)
                .filter(|&i| !done[i])
                .filter(|&i| {
                    self.graph
                        .neighbors_directed(NodeIndex::new(i), petgraph::Direction::Incoming)
                        .all(|dep| done[dep.index()])
                })
                .collect();
            if ready.is_empty() {
                layers.push((0..n).filter(|&i| !done[i]).collect());
                break;
            }
            for &i in &ready {
                done[i] = true;
            }
            left -= ready.len();
            layers.push(ready);
        }
        layers
    }
}
